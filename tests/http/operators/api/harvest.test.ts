import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../../../src/db/client.js';
import { startWork } from '../../../../src/main/wiring.js';
import { seedCouncilSites } from '../../../../src/harvest/seed.js';
import { listAudit } from '../../../../src/console/audit.js';
import { adminHeaders, createTestAppWithMail } from '../../../helpers/app.js';
import { createTestDatabase } from '../../../helpers/db.js';
import { readFileSync } from 'node:fs';
import { recordedAnswers, startModernGovSite, unavailable, type ModernGovSite } from '../../../helpers/moderngov-site.js';

let database: Database;
let app: FastifyInstance;
let site: ModernGovSite;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncilSites(database.db);
  site = await startModernGovSite();
  const made = await createTestAppWithMail(database, { HARVEST_PAUSE_MS: '0' }, { now: () => new Date('2025-07-01T12:00:00Z') });
  app = made.app;
  const { deps } = made;
  // Retries back off in milliseconds here, not seconds.
  deps.harvest.policy = { ...deps.harvest.policy, backoffMs: 5 };
  // This process works harvest jobs too, as `serve` does without Redis.
  await startWork(deps, { groups: ['harvests'] });
});
afterAll(() => site.close());

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let tries = 0; tries < 200; tries += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting');
}

describe('operators and sources', () => {
  it("lists the eleven seeded councils' sites with their health", async () => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders });
    expect(response.statusCode).toBe(200);
    const { sources } = response.json();
    expect(sources).toHaveLength(11);
    expect(sources.find((source: { councilSlug: string }) => source.councilSlug === 'watford')).toMatchObject({
      council: 'Watford Borough Council',
      kind: 'moderngov',
      url: 'https://watford.moderngov.co.uk',
      enabled: true,
      timeoutSeconds: null,
      healthNote: null,
      robotsPermission: null,
      lastHarvest: null,
      consecutiveFailures: 0,
      failing: false,
    });
  });

  it('adds a source for a new council, creating the council, and refuses a second one for it', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/admin/sources', headers: adminHeaders, payload: { council: 'Test Town Council', kind: 'moderngov', url: `${site.url}/` } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ council: 'Test Town Council', councilSlug: 'test-town-council', url: site.url, enabled: true });
    const again = await app.inject({ method: 'POST', url: '/api/admin/sources', headers: adminHeaders, payload: { council: 'test town council', url: site.url } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('already has a moderngov source');
    const councils = await app.inject({ method: 'GET', url: '/api/councils' });
    expect(councils.json().councils.map((council: { slug: string }) => council.slug)).toContain('test-town-council');
  });

  it('refuses a URL that is not a web address, saying what it needs', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/admin/sources', headers: adminHeaders, payload: { council: 'Elsewhere', url: 'ftp://example.org' } });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toContain('must be the http(s) URL of the ModernGov site');
  });

  it('disables and re-points a source; an unknown one is 404', async () => {
    const { sources } = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json();
    const dacorum = sources.find((source: { councilSlug: string }) => source.councilSlug === 'dacorum');
    const patched = await app.inject({ method: 'PATCH', url: `/api/admin/sources/${dacorum.id}`, headers: adminHeaders, payload: { enabled: false, url: 'https://democracy.dacorum.gov.uk/moderngov/' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: false, url: 'https://democracy.dacorum.gov.uk/moderngov' });
    expect((await app.inject({ method: 'PATCH', url: '/api/admin/sources/99999', headers: adminHeaders, payload: { enabled: true } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PATCH', url: `/api/admin/sources/${dacorum.id}`, headers: adminHeaders, payload: {} })).statusCode).toBe(400);
  });

  it('sets a source\'s own timeout within 5 to 300 s, kept when the seeds are loaded again (North Herts is seeded with 60)', async () => {
    const { sources } = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json();
    const byslug = (slug: string) => sources.find((source: { councilSlug: string }) => source.councilSlug === slug);
    expect(byslug('north-herts').timeoutSeconds).toBe(60);
    const patch = (payload: object) => app.inject({ method: 'PATCH', url: `/api/admin/sources/${byslug('north-herts').id}`, headers: adminHeaders, payload });
    expect((await patch({ timeoutSeconds: 4 })).statusCode).toBe(400);
    expect((await patch({ timeoutSeconds: 301 })).json().error.message).toContain('must be 5 to 300 seconds');
    expect((await patch({ timeoutSeconds: 90 })).json()).toMatchObject({ timeoutSeconds: 90 });
    await seedCouncilSites(database.db);
    const again = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json().sources;
    expect(again.find((source: { councilSlug: string }) => source.councilSlug === 'north-herts').timeoutSeconds).toBe(90);
    expect((await patch({ timeoutSeconds: null })).json()).toMatchObject({ timeoutSeconds: null });
  });

  it('records the council\'s permission despite robots.txt, with when, in the audit log', async () => {
    const { sources } = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json();
    const stevenage = sources.find((source: { councilSlug: string }) => source.councilSlug === 'stevenage');
    const permission = 'Jo Bloggs, Democratic Services, by email on 3 March 2026';
    const patched = await app.inject({ method: 'PATCH', url: `/api/admin/sources/${stevenage.id}`, headers: adminHeaders, payload: { robotsPermission: permission } });
    expect(patched.json()).toMatchObject({ robotsPermission: permission, robotsPermissionAt: expect.stringMatching(/^\d{4}-/) });
    const [entry] = await listAudit(database.db, { limit: 1, action: 'source.robots-permission' });
    expect(entry).toMatchObject({ actor: 'admin-token', objectId: String(stevenage.id), detail: { permission } });
    const withdrawn = await app.inject({ method: 'PATCH', url: `/api/admin/sources/${stevenage.id}`, headers: adminHeaders, payload: { robotsPermission: null } });
    expect(withdrawn.json()).toMatchObject({ robotsPermission: null, robotsPermissionAt: null });
  });

  it('needs the operator token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/admin/sources' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/admin/harvests', payload: {} })).statusCode).toBe(401);
  });
});

describe('harvests through the API', () => {
  let sourceId: number;
  beforeAll(async () => {
    const { sources } = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json();
    sourceId = sources.find((source: { councilSlug: string }) => source.councilSlug === 'test-town-council').id;
  });

  it('queues a harvest (202), which runs to finished with its counts', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/admin/harvests', headers: adminHeaders, payload: { source: sourceId, from: '2024-12-01', to: '2025-08-31' } });
    expect(response.statusCode).toBe(202);
    const queued = response.json();
    expect(queued).toMatchObject({ sourceId, from: '2024-12-01', to: '2025-08-31', joined: false, trigger: 'api' });
    const done = await until(
      async () => (await app.inject({ method: 'GET', url: `/api/admin/harvests/${queued.id}`, headers: adminHeaders })).json(),
      (harvest) => harvest.status === 'finished' || harvest.status === 'failed',
    );
    expect(done).toMatchObject({ status: 'finished', progress: { done: 5, total: 5 }, counts: { created: 5, updated: 0, unchanged: 0, skipped: 2 }, items: 10, errors: [], warnings: [], warningCount: 0 });
    const meetings = (await app.inject({ method: 'GET', url: '/api/meetings?council=test-town-council&from=2025-06-01&to=2025-06-30' })).json();
    expect(meetings.meetings.map((meeting: { committee: { name: string } }) => meeting.committee.name)).toContain("Children's Social Care Cabinet Panel");
  });

  it('defaults to 28 days back and 56 ahead', async () => {
    site.route('GetCommittees', unavailable);
    const response = await app.inject({ method: 'POST', url: '/api/admin/harvests', headers: adminHeaders, payload: { source: sourceId } });
    expect(response.json()).toMatchObject({ from: '2025-06-03', to: '2025-08-26' });
    const failed = await until(
      async () => (await app.inject({ method: 'GET', url: `/api/admin/harvests/${response.json().id}`, headers: adminHeaders })).json(),
      (harvest) => harvest.status === 'failed',
    );
    expect(failed.errors[0].message).toMatch(/^The site cannot be read: the site answered 503/);
  });

  it('lists harvests newest first, by source', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/admin/harvests?source=${sourceId}&limit=5`, headers: adminHeaders });
    const { harvests } = response.json();
    expect(harvests.map((harvest: { status: string }) => harvest.status)).toEqual(['failed', 'finished']);
    const { sources } = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json();
    expect(sources.find((source: { id: number }) => source.id === sourceId)).toMatchObject({ consecutiveFailures: 1, failing: false, lastHarvest: { status: 'failed' } });
  });

  it('queues every enabled source when none is named, and refuses a window back to front', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/admin/harvests', headers: adminHeaders, payload: { from: '2025-08-01', to: '2025-07-01' } });
    expect(bad.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/admin/harvests', headers: adminHeaders, payload: { source: 424242 } })).statusCode).toBe(404);
  });

  it('counts each source\'s failures in a row in /metrics', async () => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('harvest_source_consecutive_failures{source="test-town-council"} 1');
    expect(metrics.body).toContain('harvest_source_failing{source="test-town-council"} 0');
  });

  it('lists a harvest\'s warnings with their meetings, and shows a source that reads no agenda item as failing, saying why', async () => {
    const odd = await startModernGovSite({ answers: recordedAnswers('warnings') });
    try {
      const created = await app.inject({ method: 'POST', url: '/api/admin/sources', headers: adminHeaders, payload: { council: 'Odd Answers Council', kind: 'moderngov', url: odd.url } });
      const oddId = created.json().id as number;
      // Only the meeting whose items sit where the reader does not look.
      odd.route('GetMeetings:300', (await import('../../../helpers/moderngov-site.js')).xml(
        readFileSync(new URL('../../../fixtures/moderngov/warnings/meetings-300.xml', import.meta.url), 'utf8').replace(/<meeting>\s*<meetingid>300[2-6][\s\S]*?<\/meeting>/g, ''),
      ));
      const queued = (await app.inject({ method: 'POST', url: '/api/admin/harvests', headers: adminHeaders, payload: { source: oddId, from: '2025-06-01', to: '2025-06-30' } })).json();
      const done = await until(
        async () => (await app.inject({ method: 'GET', url: `/api/admin/harvests/${queued.id}`, headers: adminHeaders })).json(),
        (harvest) => harvest.status === 'finished' || harvest.status === 'failed',
      );
      expect(done).toMatchObject({ status: 'finished', items: 0, warningCount: 2 });
      expect(done.warnings).toEqual([
        { kind: 'unknown-element', meeting: '3001', message: '<meeting> holds <agenda>, an element the reader does not know' },
        { kind: 'no-items', meeting: '3001', message: 'the site says the agenda is published, but no agenda item was read' },
      ]);
      const { sources } = (await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json();
      expect(sources.find((source: { id: number }) => source.id === oddId)).toMatchObject({
        failing: true,
        consecutiveFailures: 0,
        healthNote: "read 1 meeting and no agenda items: the site's answers may have changed shape",
      });
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain('harvest_source_failing{source="odd-answers-council"} 1');
    } finally {
      await odd.close();
    }
  });
});
