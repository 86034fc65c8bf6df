import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { tokenSecret } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { addSubscriber } from '../helpers/subscribers.js';

let database: Database;
let smtp: SmtpSink;

function cli(args: string[]) {
  const { REDIS_URL: _redis, ...env } = process.env;
  return runCli(args, { ...env, DATABASE_URL: database.url, SMTP_URL: smtp.url, TOKEN_SECRET: tokenSecret, LOG_LEVEL: 'warn', NODE_ENV: 'test' });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  await addSubscriber(database.db, { email: 'cli@example.org', filters: { keywords: ['Household Support Fund'] } });
  smtp = await startSmtpSink();
});

describe('council-digest digest', () => {
  it('refuses a real run of a week long past without --force, and starts nothing', async () => {
    const refused = await cli(['digest', 'run', '--week', '2025-09-10']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The week of 2025-09-08 began \d+ weeks ago, more than 8/);
    expect(refused.stderr).toMatch(/add --dry-run to build it without sending, or --force to send it anyway/);
    expect(smtp.messages).toHaveLength(0);
  });

  it('runs a week in this process without Redis', async () => {
    const started = await cli(['digest', 'run', '--week', '2025-09-10', '--force']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toMatch(/Forced: The week of 2025-09-08 began/);
    expect(started.stderr).toMatch(/Started run (\d+) for the week of 2025-09-08/);
    expect(started.stdout).toMatch(/2025-09-08\s+completed\s+1\s+1\s+0\s+0/);
    expect(smtp.to('cli@example.org')).toHaveLength(1);
  });

  it('previews a digest without sending it', async () => {
    const preview = await cli(['digest', 'preview', '--email', 'cli@example.org', '--week', '2025-09-08']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain("Subject: Children's Social Care Cabinet Panel, 10 Sept: Household Support Fund 7");
    expect(preview.stdout).toContain('Household Support Fund 7\n------------------------');
    expect(smtp.to('cli@example.org')).toHaveLength(1);
  });

  it('says in one line that a worker needs Redis', async () => {
    const worker = await cli(['worker']);
    expect(worker.code).toBe(1);
    expect(worker.stderr.trim()).toBe('council-digest worker needs REDIS_URL; without it jobs run inside `council-digest serve`.');
  });
});
