import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/console/audit.js';
import type { Database } from '../../src/db/client.js';
import { createSource, findSource, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest, type HarvestDeps } from '../../src/harvest/run.js';
import { createLogger } from '../../src/logger.js';
import { adminHeaders, createTestAppWithMail } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, type ModernGovSite } from '../helpers/moderngov-site.js';

const window = { from: '2024-12-01', to: '2025-08-31' };
let database: Database;
let app: FastifyInstance;
let clock = new Date('2025-07-01T12:00:00Z');

const deps = (): HarvestDeps => ({
  db: database.db,
  logger: createLogger({ level: 'silent' }),
  userAgent: 'council-digest (+https://digest.example.org)',
  now: () => clock,
  policy: { pauseMs: 0, backoffMs: 5, retries: 1, timeoutMs: 5_000 },
});

beforeAll(async () => {
  database = await createTestDatabase();
  app = (await createTestAppWithMail(database, { HARVEST_PAUSE_MS: '0' })).app;
});

const text = (body: string, status = 200) => ({ status, body, contentType: 'text/plain' });
const webService = (site: ModernGovSite) => site.requests.filter((request) => request.path.includes('mgWebService.asmx'));
const robotsReads = (site: ModernGovSite) => site.requests.filter((request) => request.key === 'robots.txt');

/** A council's site with the given robots.txt, harvested once: the harvest, the source after it, and the site. */
async function harvestWith(council: string, robots: ReturnType<typeof text> | undefined, use: (outcome: { harvest: Awaited<ReturnType<typeof runHarvest>>; source: NonNullable<Awaited<ReturnType<typeof findSource>>>; site: ModernGovSite }) => Promise<void>) {
  const site = await startModernGovSite();
  try {
    if (robots) site.route('robots.txt', robots);
    const { id: sourceId } = await createSource(database.db, { council, kind: 'moderngov', url: site.url });
    const { id } = await queueHarvest(database.db, { sourceId, ...window, trigger: 'test' });
    const harvest = await runHarvest(deps(), id);
    await use({ harvest, source: (await findSource(database.db, sourceId))!, site });
  } finally {
    await site.close();
  }
}

async function harvestAgain(sourceId: number) {
  const { id } = await queueHarvest(database.db, { sourceId, ...window, trigger: 'test' });
  return runHarvest(deps(), id);
}

describe('robots.txt', () => {
  it('lets a harvest go ahead when it allows us, and is read once a day', async () => {
    await harvestWith('Allowing Borough Council', text('User-agent: *\nDisallow: /private/\n\nUser-agent: BadBot\nDisallow: /\n'), async ({ harvest, source, site }) => {
      expect(harvest.status).toBe('finished');
      expect(source.robots).toMatchObject({ verdict: 'allowed', status: 200 });
      expect(robotsReads(site)[0]!.userAgent).toBe('council-digest (+https://digest.example.org)');
      await harvestAgain(source.id);
      expect(robotsReads(site)).toHaveLength(1);
      clock = new Date(clock.getTime() + 25 * 3600_000);
      try {
        await harvestAgain(source.id);
        expect(robotsReads(site)).toHaveLength(2);
      } finally {
        clock = new Date('2025-07-01T12:00:00Z');
      }
    });
  });

  it('stops a harvest it disallows before any web-service request, quoting the rule in the health note', async () => {
    const robots = 'User-agent: *\nAllow: /\n\nUser-agent: council-digest\nDisallow: /moderngov/mgWebService.asmx\n';
    await harvestWith('Refusing District Council', text(robots), async ({ harvest, source, site }) => {
      expect(harvest.status).toBe('failed');
      expect(webService(site)).toEqual([]);
      expect(source.robots).toMatchObject({ verdict: 'disallowed', rule: 'Disallow: /moderngov/mgWebService.asmx' });
      expect(source.healthNote).toBe(
        'robots.txt disallows council-digest for mgWebService.asmx ("Disallow: /moderngov/mgWebService.asmx"): not harvested unless the council\'s permission is recorded',
      );
      expect(harvest.errors[0]!.message).toContain('The site cannot be read: robots.txt disallows council-digest');
      expect((await app.inject({ method: 'GET', url: '/api/admin/sources', headers: adminHeaders })).json().sources.find((row: { id: number }) => row.id === source.id)).toMatchObject({
        failing: true,
        healthNote: expect.stringContaining('robots.txt disallows'),
        robots: { verdict: 'disallowed' },
      });
    });
  });

  it('means no rules when there is none (404)', async () => {
    await harvestWith('Plain Town Council', undefined, async ({ harvest, source }) => {
      expect(harvest.status).toBe('finished');
      expect(source.robots).toMatchObject({ verdict: 'missing', status: 404 });
      expect(source.healthNote).toBeNull();
    });
  });

  it('means no rules when it redirects off the site\'s host, which is not followed', async () => {
    await harvestWith('Redirecting Borough Council', undefined, async ({ source, site }) => {
      site.handle((request, response, url) => {
        if (url.pathname !== '/robots.txt') return false;
        response.writeHead(301, { location: `http://localhost:${new URL(site.url).port}/robots.txt` }).end();
        return true;
      });
      await database.db.execute(sql`update sources set robots = null where id = ${source.id}`);
      expect((await harvestAgain(source.id)).status).toBe('finished');
      expect((await findSource(database.db, source.id))!.robots).toMatchObject({ verdict: 'missing' });
      expect(site.requests.filter((request) => request.path === '/robots.txt')).toHaveLength(2);
    });
  });

  it('counts as disallowing while it answers 5xx, read again at the next harvest rather than kept', async () => {
    await harvestWith('Wobbly Borough Council', text('Service Unavailable', 503), async ({ harvest, source, site }) => {
      expect(harvest.status).toBe('failed');
      expect(webService(site)).toEqual([]);
      expect(source.robots).toMatchObject({ verdict: 'unreachable', status: 503 });
      expect(source.healthNote).toMatch(/^robots\.txt could not be read \(503\): not harvested until it can be/);
      site.route('robots.txt', text('User-agent: *\nDisallow:\n'));
      expect((await harvestAgain(source.id)).status).toBe('finished');
      expect(robotsReads(site)).toHaveLength(2);
      // Getting through clears a refusal's note.
      expect((await findSource(database.db, source.id))!.healthNote).toBeNull();
    });
  });

  it('is overridden by the council\'s permission, recorded by an operator and audited', async () => {
    await harvestWith('Permitting County Council', text('User-agent: *\nDisallow: /\n'), async ({ harvest, source, site }) => {
      expect(harvest.status).toBe('failed');
      const permission = 'Jo Bloggs, Head of Democratic Services, email of 3 March 2026';
      const patched = await app.inject({ method: 'PATCH', url: `/api/admin/sources/${source.id}`, headers: adminHeaders, payload: { robotsPermission: permission } });
      expect(patched.json()).toMatchObject({ robotsPermission: permission, robots: { verdict: 'disallowed', rule: 'Disallow: /' } });
      expect((await listAudit(database.db, { limit: 1, action: 'source.robots-permission' }))[0]).toMatchObject({ objectId: String(source.id), detail: { permission } });
      const again = await harvestAgain(source.id);
      expect(again.status).toBe('finished');
      expect(webService(site).length).toBeGreaterThan(0);
    });
  });
});
