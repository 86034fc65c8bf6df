import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../../src/console/audit.js';
import { addOperator, type OperatorRole } from '../../../../src/console/operators.js';
import type { Database } from '../../../../src/db/client.js';
import { adminToken } from '../../../helpers/app.js';
import { redisPrefix } from '../../../helpers/redis.js';
import { concreteUrl, consoleOpenRoutes, isConsolePage, type RouteEntry } from '../../../security/route-table.js';
import { ConsoleClient, ranks, roleMatrixApp, signedIn } from '../../../console/client.js';

/**
 * The least role each console page and action needs. Every /admin route but
 * the way in, the assets and Bull Board (below: operators, as a whole) must
 * be here.
 */
const pageRoles: Record<string, OperatorRole> = {
  'GET /admin': 'viewer',
  'GET /admin/runs': 'viewer',
  'GET /admin/runs/new': 'operator',
  'POST /admin/runs': 'operator',
  'GET /admin/runs/:id': 'viewer',
  'GET /admin/runs/:id/events': 'viewer',
  'POST /admin/runs/:id/retry-failed': 'operator',
  'GET /admin/preview': 'operator',
  'GET /admin/preview/render': 'operator',
  'POST /admin/preview/send': 'operator',
  'GET /admin/subscribers': 'viewer',
  'GET /admin/subscribers/suppressions': 'viewer',
  'POST /admin/subscribers/suppressions': 'operator',
  'POST /admin/subscribers/suppressions/lift': 'owner',
  'GET /admin/subscribers/:id': 'viewer',
  'GET /admin/subscribers/:id/export': 'operator',
  'GET /admin/subscribers/:id/erase': 'owner',
  'POST /admin/subscribers/:id/erase': 'owner',
  'GET /admin/feeds': 'viewer',
  'POST /admin/feeds/:id/approve': 'operator',
  'POST /admin/feeds/:id/reject': 'operator',
  'GET /admin/partners': 'viewer',
  'POST /admin/partners': 'owner',
  'POST /admin/partners/:id/keys': 'owner',
  'POST /admin/partners/:id/keys/:keyId/revoke': 'owner',
  'GET /admin/sources': 'viewer',
  'POST /admin/sources/:id/check': 'operator',
  'POST /admin/sources/:id/permission': 'operator',
  'GET /admin/topics': 'viewer',
  'GET /admin/topics/:slug': 'viewer',
  'POST /admin/topics/:slug/check': 'operator',
  'POST /admin/topics/:slug': 'operator',
  'GET /admin/meetings': 'viewer',
  'GET /admin/meetings/:id': 'viewer',
  'GET /admin/meetings/import': 'operator',
  'POST /admin/meetings/import/read': 'operator',
  'POST /admin/meetings/import': 'operator',
  'GET /admin/audit': 'viewer',
  'GET /admin/operators': 'owner',
  'POST /admin/operators': 'owner',
  'POST /admin/operators/:id/remove': 'owner',
  'GET /admin/tokens': 'viewer',
  'POST /admin/tokens': 'viewer',
  'POST /admin/tokens/:id/revoke': 'viewer',
};

const prefix = redisPrefix();
let database: Database;
let app: FastifyInstance;
let pages: RouteEntry[];
const clients = {} as Record<OperatorRole, ConsoleClient>;

const keyOf = (route: RouteEntry) => `${route.method} ${route.url}`;
// Ids nothing has, so an allowed action changes nothing here.
const urlOf = (route: RouteEntry) => concreteUrl(route.url, { id: '999999', keyId: '999999', slug: 'no-such-topic' });

beforeAll(async () => {
  const built = await roleMatrixApp(prefix);
  ({ database, app } = built);
  pages = built.routes.filter((route) => route.method !== 'HEAD' && isConsolePage(route.url) && !consoleOpenRoutes.includes(route.url));
  for (const role of ranks) {
    await addOperator(database.db, { email: `${role}@council.example.org`, role });
    clients[role] = await signedIn(app, built.smtp, `${role}@council.example.org`);
  }
});

async function visit(client: ConsoleClient, route: RouteEntry) {
  if (route.method === 'GET') return client.get(urlOf(route));
  // A form post carries the token of a page the browser has just loaded, as a real one would.
  await client.get('/admin/tokens');
  return client.post(urlOf(route));
}

describe('the role of every console page and action', () => {
  it('is declared here for each one the app has', () => {
    expect(pages.map(keyOf).filter((key) => !pageRoles[key])).toEqual([]);
    expect(Object.keys(pageRoles).filter((key) => !pages.some((route) => keyOf(route) === key))).toEqual([]);
  });

  it('sends a browser without a session to sign in, for every page and action', async () => {
    for (const route of pages) {
      const response = await visit(new ConsoleClient(app), route);
      expect(response.statusCode, keyOf(route)).toBe(303);
      expect(response.headers.location, keyOf(route)).toBe('/admin/sign-in');
    }
  });

  for (const role of ranks) {
    it(`lets ${role === 'viewer' ? 'a' : 'an'} ${role} in exactly where the role allows, and refuses the rest with 403`, async () => {
      for (const route of pages) {
        const needed = pageRoles[keyOf(route)]!;
        const response = await visit(clients[role], route);
        const label = `${role} ${keyOf(route)} answered ${response.statusCode}: ${response.body.slice(0, 200)}`;
        if (ranks.indexOf(role) >= ranks.indexOf(needed)) expect([303, 401, 403], label).not.toContain(response.statusCode);
        else {
          expect(response.statusCode, label).toBe(403);
          expect(response.body, label).toContain(`needs the ${needed} role`);
        }
      }
    });
  }

  it('logs a refused action in the audit log, with the role it needed', async () => {
    await clients.viewer.get('/admin/tokens');
    await clients.viewer.post('/admin/subscribers/1/erase');
    const [entry] = await listAudit(database.db, { limit: 1, action: 'forbidden' });
    expect(entry).toMatchObject({ actor: 'viewer@council.example.org', objectId: 'POST /admin/subscribers/:id/erase', detail: { role: 'viewer', required: 'owner' } });
  });
});

describe('Bull Board at /admin/queues', () => {
  const board = ['/admin/queues', '/admin/queues/api/queues'];

  it('opens for a signed-in operator or owner, its pages and its API', async () => {
    for (const role of ['operator', 'owner'] as const) {
      for (const url of board) expect((await clients[role].get(url)).statusCode, `${role} ${url}`).toBe(200);
    }
    const api = await clients.operator.get('/admin/queues/api/queues');
    expect(api.json().queues.map((queue: { name: string }) => queue.name)).toContain('digest-runs');
  });

  it('refuses a signed-in viewer with 403, logged in the audit log', async () => {
    for (const url of board) {
      const response = await clients.viewer.get(url);
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error.message, url).toContain('needs the operator role');
    }
    const [entry] = await listAudit(database.db, { limit: 1, action: 'forbidden' });
    expect(entry).toMatchObject({ actor: 'viewer@council.example.org', objectId: 'GET /admin/queues/api/queues', detail: { role: 'viewer', required: 'operator' } });
  });

  it('asks a browser without a session to sign in, with the Basic prompt that takes ADMIN_TOKEN', async () => {
    const anonymous = await new ConsoleClient(app).get('/admin/queues');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    const basic = `Basic ${Buffer.from(`ops:${adminToken}`).toString('base64')}`;
    expect((await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: `Bearer ${adminToken}` } })).statusCode).toBe(200);
  });

  it("lets a session change jobs from Bull Board's own pages, never from another site's", async () => {
    const resume = (origin: string) => clients.operator.request({ method: 'PUT', url: '/admin/queues/api/queues/digest-runs/resume', headers: { origin, host: 'digest.example.org' } });
    const elsewhere = await resume('https://elsewhere.example');
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.message).toContain('only from its own pages');
    expect((await resume('https://digest.example.org')).statusCode).toBe(200);
  });
});
