import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/console/api-tokens.js';
import { addOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { loggerOptions } from '../../src/logger.js';
import { createTestAppWithMail } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { ConsoleClient, signInLinkFor } from './client.js';

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});

describe('the console and the logs', () => {
  it('never logs a sign-in link, a session cookie or a personal API token, even at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { app, smtp } = await createTestAppWithMail(database, {}, { logger: pino(loggerOptions({ level: 'trace' }), sink) });
    const { operator } = await addOperator(database.db, { email: 'quiet@council.example.org', role: 'owner' });
    const client = new ConsoleClient(app);
    await client.get('/admin/sign-in');
    await client.post('/admin/sign-in', { email: 'quiet@council.example.org' });
    const link = await signInLinkFor(smtp, 'quiet@council.example.org');
    await client.get(link);
    await client.post(link);
    await client.get('/admin');
    await client.get('/admin/runs');
    const { token } = await createApiToken(database.db, operator.id, 'logged?');
    await app.inject({ method: 'GET', url: '/api/admin/audit', headers: { authorization: `Bearer ${token}` } });

    const output = lines.join('');
    expect(output).toContain('/admin/sign-in/[redacted]');
    const secrets = [link.split('/').at(-1)!, client.cookies.get('cd_console')!, decodeURIComponent(client.cookies.get('cd_console')!).split('.')[0]!, token];
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
