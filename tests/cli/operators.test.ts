import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/console/audit.js';
import type { Database } from '../../src/db/client.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';

let database: Database;

function cli(args: string[]) {
  return runCli(args, { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn', NODE_ENV: 'test' });
}

beforeAll(async () => {
  database = await createTestDatabase();
});

describe('council-digest operator', () => {
  it('adds, lists and removes operators, and records each change in the audit log', async () => {
    expect((await cli(['operator', 'add', 'Owner@Example.org', '--role', 'owner'])).stdout).toContain('Added Owner@Example.org as owner');
    expect((await cli(['operator', 'add', 'view@example.org', '--role', 'viewer'])).code).toBe(0);
    expect((await cli(['operator', 'add', 'view@example.org', '--role', 'operator'])).stdout).toContain('Updated view@example.org as operator');
    const listed = await cli(['operator', 'list']);
    expect(listed.stdout).toMatch(/Owner@Example\.org\s+owner/);
    expect(listed.stdout).toMatch(/view@example\.org\s+operator/);
    expect((await cli(['operator', 'remove', 'view@example.org'])).code).toBe(0);
    expect((await cli(['operator', 'list'])).stdout).not.toContain('view@example.org');
    const actions = (await listAudit(database.db, { limit: 10 })).map((row) => `${row.actor} ${row.action} ${row.objectId}`);
    expect(actions).toEqual([
      'cli operator.remove view@example.org',
      'cli operator.role view@example.org',
      'cli operator.add view@example.org',
      'cli operator.add Owner@Example.org',
    ]);
  }, 120_000);

  it('refuses an unknown role and a bad address, and says when there is nobody to remove', async () => {
    expect((await cli(['operator', 'add', 'a@example.org', '--role', 'god'])).code).not.toBe(0);
    const bad = await cli(['operator', 'add', 'not-an-address', '--role', 'viewer']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('looks like name@example.org');
    // One line, the API's message: it printed a stack trace.
    for (const [address, message] of [
      ['a@example.org\r\nBcc: b@example.org', 'An email address cannot contain line breaks'],
      ['not-an-address', 'An email address looks like name@example.org'],
    ]) {
      const refused = await cli(['operator', 'add', address!, '--role', 'viewer']);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n').filter((line) => !line.startsWith('{'))).toEqual([message]);
    }
    const missing = await cli(['operator', 'remove', 'nobody@example.org']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No operator nobody@example.org');
  }, 60_000);
});
