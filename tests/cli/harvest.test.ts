import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, unavailable, type ModernGovSite } from '../helpers/moderngov-site.js';

let database: Database;
let site: ModernGovSite;

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn', NODE_ENV: 'test', HARVEST_PAUSE_MS: '0', ...env });

beforeAll(async () => {
  database = await createTestDatabase();
  site = await startModernGovSite();
});
afterAll(() => site.close());

describe('council-digest harvest', () => {
  it('adds a council\'s site with --council and --url, reads it over the window and prints what it stored', async () => {
    const { code, stdout, stderr } = await cli(['harvest', '--council', 'Test Town Council', '--url', site.url, '--from', '2024-12-01', '--to', '2025-08-31']);
    expect(stderr).toContain(`Harvesting Test Town Council (${site.url}), 2024-12-01 to 2025-08-31.`);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Test Town Council\s+finished\s+5\s+0\s+0\s+2\s+10\s+0\s+0/);
    const stored = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from meetings`);
    expect(stored.rows[0]!.n).toBe(5);
  });

  it('reads the same source again by --council, changing nothing', async () => {
    const { code, stdout } = await cli(['harvest', '--council', 'test-town-council', '--from', '2024-12-01', '--to', '2025-08-31']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Test Town Council\s+finished\s+0\s+0\s+5\s+2\s+10\s+0\s+0/);
  });

  it('exits non-zero with one clear line when the site cannot be read', async () => {
    site.route('GetCommittees', unavailable);
    const { code, stderr } = await cli(['harvest', '--source', '1', '--from', '2025-06-01', '--to', '2025-06-30'], { HARVEST_RETRIES: '0' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^Harvest of Test Town Council failed: The site cannot be read: the site answered 503 Service Unavailable \(http:\/\/127\.0\.0\.1:\d+\/moderngov\/mgWebService\.asmx\/GetCommittees\)$/);
  });

  it('refuses options that do not fit together, saying why', async () => {
    expect(await cli(['harvest', '--url', site.url])).toMatchObject({ code: 1, stderr: expect.stringContaining('--url needs --council') });
    expect(await cli(['harvest', '--from', '1 June'])).toMatchObject({ code: 1, stderr: expect.stringContaining('expected a date as YYYY-MM-DD') });
    expect(await cli(['harvest', '--source', '99'])).toMatchObject({ code: 1, stderr: expect.stringContaining('No source 99') });
  });
});
