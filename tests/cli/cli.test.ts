import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { meetings } from '../../src/db/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { fixturePages, fixturePagesDir } from '../helpers/fixtures.js';

let database: Database;

function cli(args: string[]) {
  return runCli(args, { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn', NODE_ENV: 'test' });
}

async function meetingCount() {
  const [row] = await database.db.select({ n: count() }).from(meetings);
  return row!.n;
}

beforeAll(async () => {
  database = await createTestDatabase();
});

describe('council-digest command line', () => {
  it('lists its commands in --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'seed', 'import', 'retag', 'demo']) expect(stdout).toContain(command);
  });

  it('imports every fixture page and the report, printing what it stored', async () => {
    const files = Object.values(fixturePages).map((name) => path.join(fixturePagesDir, name));
    const { code, stdout } = await cli(['import', ...files]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/created\s+2025-06-17\s+Children's Social Care Cabinet Panel\s+2\s+.*care-leavers/);
    expect(stdout).toMatch(/created\s+2025-07-15\s+Children's Social Care Cabinet Panel\s+7/);
    expect(stdout).toMatch(/created\s+2025-09-10\s+Children's Social Care Cabinet Panel\s+4/);
    expect(stdout).toMatch(/created\s+2018-03-01\s+County Council/);
    expect(await meetingCount()).toBe(4);
  });

  it('imports the same files again without duplicating anything', async () => {
    const { code, stdout } = await cli(['import', path.join(fixturePagesDir, fixturePages.june)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/unchanged\s+2025-06-17/);
    expect(await meetingCount()).toBe(4);
  });

  it('writes nothing and names each bad file when any file is bad', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cd-cli-'));
    const good = path.join(dir, 'good.json');
    const broken = path.join(dir, 'broken.json');
    writeFileSync(good, JSON.stringify({ council: 'Hertfordshire County Council', committee: 'Cabinet', startsAt: '2025-12-01T10:00:00Z' }));
    writeFileSync(broken, '{"council": "Herts", "committee": ');
    const { code, stderr } = await cli(['import', good, broken, path.join(dir, 'missing.txt')]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${broken}: The file is not valid JSON`);
    expect(stderr).toContain('missing.txt: no such file');
    expect(await meetingCount()).toBe(4);
  });

  it('answers a record that fails validation with the field that is wrong', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cd-cli-'));
    const invalid = path.join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ council: 'Hertfordshire County Council', committee: 'Cabinet', startsAt: 'tomorrow' }));
    const { code, stderr } = await cli(['import', invalid]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/startsAt/);
    expect(await meetingCount()).toBe(4);
  });

  it('says which setting is wrong and exits non-zero', async () => {
    const { code, stderr } = await runCli(['migrate'], { ...process.env, DATABASE_URL: 'mysql://nope', NODE_ENV: 'test' });
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL: must be a URL like postgres://');
  });

  it('seeds and retags idempotently', async () => {
    const seeded = await cli(['seed']);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('Seeded 11 councils and 4 meetings.');
    const retagged = await cli(['retag']);
    expect(retagged.code).toBe(0);
    expect(retagged.stdout).toMatch(/Retagged \d+ meetings and \d+ sections/);
  });
});
