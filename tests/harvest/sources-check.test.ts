import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createSource, findSource } from '../../src/harvest/repo.js';
import { adminHeaders, createTestAppWithMail } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { recentSite, startModernGovSite, type ModernGovSite } from '../helpers/moderngov-site.js';

let database: Database;
let site: ModernGovSite;
let refusing: ModernGovSite;
let app: FastifyInstance;

const twelveDaysAgo = DateTime.now().setZone('Europe/London').minus({ days: 12 }).toISODate()!;

beforeAll(async () => {
  database = await createTestDatabase();
  site = await startModernGovSite({ answers: recentSite() });
  refusing = await startModernGovSite({ answers: recentSite() });
  refusing.route('robots.txt', { body: 'User-agent: *\nDisallow: /\n', contentType: 'text/plain' });
  await createSource(database.db, { council: 'Checked Borough Council', kind: 'moderngov', url: site.url });
  await createSource(database.db, { council: 'Refusing District Council', kind: 'moderngov', url: refusing.url });
  app = (await createTestAppWithMail(database, { HARVEST_PAUSE_MS: '0' })).app;
});
afterAll(async () => {
  await site.close();
  await refusing.close();
});

const cli = (args: string[]) => runCli(args, { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn', NODE_ENV: 'test', HARVEST_PAUSE_MS: '0' });

describe('council-digest sources check', () => {
  it('prints a row per source: robots.txt, GetCommittees latency, live committees, the newest past meeting with its items and papers', async () => {
    const { code, stdout } = await cli(['sources', 'check']);
    expect(stdout).toMatch(/^source\s+council\s+enabled\s+robots\.txt\s+GetCommittees\s+live\s+meeting\s+items\s+papers\s+result$/m);
    expect(stdout).toMatch(new RegExp(`^1\\s+Checked Borough Council\\s+yes\\s+no robots.txt \\(404\\)\\s+\\d+ ms\\s+3\\s+${twelveDaysAgo} Cabinet\\s+2\\s+3\\s+ok$`, 'm'));
    expect(stdout).toMatch(/^2\s+Refusing District Council\s+yes\s+disallowed \("Disallow: \/"\)\s+–\s+–\s+–\s+–\s+–\s+FAILED$/m);
    expect(stdout).toContain('Refusing District Council: robots.txt disallows council-digest for mgWebService.asmx ("Disallow: /")');
    expect(code).toBe(1);
    // Nothing asked of the refusing site's web service; the other asked for one meeting only.
    expect(refusing.requests.map((request) => request.key)).toEqual(['robots.txt']);
    expect(site.requests.filter((request) => request.key.startsWith('GetMeeting:')).map((request) => request.key)).toEqual(['GetMeeting:202']);
    expect((await findSource(database.db, 1))!.lastCheck).toMatchObject({ ok: true, liveCommittees: 3, committees: 4, meeting: { id: '202', committee: 'Cabinet', items: 2, papers: 3 }, robots: { verdict: 'missing' } });
  });

  it('checks one source with --source, and says so of an unknown one', async () => {
    const { code, stdout } = await cli(['sources', 'check', '--source', '1']);
    expect(code).toBe(0);
    expect(stdout).toContain('Checked Borough Council');
    expect(stdout).not.toContain('Refusing');
    expect(await cli(['sources', 'check', '--source', '99'])).toMatchObject({ code: 1, stderr: expect.stringContaining('No source 99') });
  });
});

describe('POST /api/admin/sources/:id/check', () => {
  it('answers the check and keeps it on the source', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/admin/sources/1/check', headers: adminHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: true, meeting: { items: 2, papers: 3 }, problem: null });
    const { sources } = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json();
    expect(sources[0].lastCheck).toMatchObject({ ok: true, checkedAt: response.json().checkedAt });
    expect((await app.inject({ method: 'POST', url: '/api/admin/sources/99/check', headers: adminHeaders })).statusCode).toBe(404);
  });
});
