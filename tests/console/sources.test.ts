import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/console/audit.js';
import { addOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { createSource, finishHarvest, markRunning, queueHarvest, recordRobots } from '../../src/harvest/repo.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness } from '../helpers/digests.js';
import { recentSite, startModernGovSite, type ModernGovSite } from '../helpers/moderngov-site.js';
import { signedIn, type ConsoleClient } from './client.js';

let database: Database;
let app: FastifyInstance;
let site: ModernGovSite;
let operator: ConsoleClient;
let viewer: ConsoleClient;
let sourceId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  site = await startModernGovSite({ answers: recentSite() });
  const harness = await createDigestHarness(database, { env: { HARVEST_PAUSE_MS: '0' } });
  app = await createDigestApp(database, harness);
  await addOperator(database.db, { email: 'otto@council.example.org', role: 'operator' });
  await addOperator(database.db, { email: 'vera@council.example.org', role: 'viewer' });
  operator = await signedIn(app, harness.smtp, 'otto@council.example.org');
  viewer = await signedIn(app, harness.smtp, 'vera@council.example.org');
  sourceId = (await createSource(database.db, { council: 'Watched Borough Council', kind: 'moderngov', url: site.url })).id;
  await recordRobots(database.db, sourceId, { verdict: 'disallowed', rule: 'Disallow: /', status: 200, checkedAt: new Date().toISOString() });
  const { id } = await queueHarvest(database.db, { sourceId, from: '2025-06-01', to: '2025-06-30', trigger: 'schedule' });
  await markRunning(database.db, id, new Date());
  await finishHarvest(database.db, id, {
    status: 'finished',
    at: new Date(),
    counts: {
      total: 3, done: 3, created: 2, updated: 1, unchanged: 0, skipped: 4, requests: 9, items: 0,
      errors: [{ meeting: '77', message: 'the site answered 500 Internal Server Error' }],
      warnings: [{ kind: 'no-items', meeting: '78', message: 'the meeting has an agenda pack but no agenda items' }],
      warningCount: 3,
    },
  });
});
afterAll(() => site.close());

describe('/admin/sources', () => {
  it('shows a viewer each site with its robots.txt verdict, health and latest harvests with their errors and warnings, and no buttons', async () => {
    const page = await viewer.get('/admin/sources');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<code>${site.url}</code>`);
    expect(page.body).toContain('30 s (HARVEST_TIMEOUT_SECONDS)');
    expect(page.body).toContain('disallowed (&quot;Disallow: /&quot;)');
    expect(page.body).toMatch(/<span class="tag good">finished<\/span>/);
    expect(page.body).toContain('Harvest #1: 1 errors, 3 warnings');
    expect(page.body).toContain('<strong>77</strong>: the site answered 500 Internal Server Error');
    expect(page.body).toContain('<span class="tag">no-items</span> <strong>78</strong>: the meeting has an agenda pack but no agenda items');
    expect(page.body).toContain('and 2 more warnings not kept.');
    expect(page.body).not.toContain('action="/admin/sources/');
    expect(page.body).toContain('<a href="/admin/sources" aria-current="page">Council sites</a>');
    expect((await viewer.post(`/admin/sources/${sourceId}/check`)).statusCode).toBe(403);
  });

  it('links each source from the dashboard', async () => {
    expect((await viewer.get('/admin')).body).toContain(`<a href="/admin/sources#source-${sourceId}">Watched Borough Council</a>`);
  });

  it('lets an operator record the council\'s permission, audited, and withdraw it', async () => {
    await operator.get('/admin/sources');
    const permission = 'Jo Bloggs, Democratic Services, email of 3 March 2026';
    const saved = await operator.post(`/admin/sources/${sourceId}/permission`, { permission });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/admin/sources#source-${sourceId}`);
    const page = await operator.get('/admin/sources');
    expect(page.body).toContain(`${permission} <span class="muted">recorded`);
    expect((await listAudit(database.db, { limit: 1, action: 'source.robots-permission' }))[0]).toMatchObject({ actor: 'otto@council.example.org', detail: { permission } });
    expect((await operator.post(`/admin/sources/${sourceId}/permission`, { permission: 'x' })).statusCode).toBe(400);
    await operator.get('/admin/sources');
    await operator.post(`/admin/sources/${sourceId}/permission`, { permission: '' });
    expect((await operator.get('/admin/sources')).body).toContain('none recorded');
  });

  it('lets an operator check a site now, and shows the check\'s figures', async () => {
    await operator.get('/admin/sources');
    const checked = await operator.post(`/admin/sources/${sourceId}/check`);
    expect(checked.statusCode).toBe(303);
    const page = await operator.get('/admin/sources');
    expect(page.body).toMatch(/<strong>Last check<\/strong> [^<]+: <span class="tag good">ok<\/span>/);
    expect(page.body).toMatch(/GetCommittees: \d+ ms, 4 committees, 3 live/);
    expect(page.body).toMatch(/Recent meeting: Cabinet, \d{4}-\d{2}-\d{2} \(id 202\): 2 items, 3 papers/);
    expect(page.body).toContain('no robots.txt (404)');
    expect((await listAudit(database.db, { limit: 1, action: 'source.check' }))[0]).toMatchObject({ actor: 'otto@council.example.org', objectId: String(sourceId) });
  });
});
