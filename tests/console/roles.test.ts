import type { FastifyInstance, InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/console/api-tokens.js';
import { listAudit } from '../../src/console/audit.js';
import { addOperator, type OperatorRole } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { adminHeaders } from '../helpers/app.js';
import { redisPrefix } from '../helpers/redis.js';
import { ranks, roleMatrixApp } from './client.js';
import { concreteUrl, type RouteEntry } from '../security/route-table.js';

/**
 * The least role each operator API route needs. Every /api/admin route must
 * be here, so a new one cannot appear without someone deciding who it is for.
 */
export const apiRoles: Record<string, OperatorRole> = {
  'GET /api/admin/sources': 'viewer',
  'POST /api/admin/sources': 'operator',
  'PATCH /api/admin/sources/:id': 'operator',
  'POST /api/admin/sources/:id/check': 'operator',
  'POST /api/admin/harvests': 'operator',
  'GET /api/admin/harvests': 'viewer',
  'GET /api/admin/harvests/:id': 'viewer',
  'GET /api/admin/digest-runs': 'viewer',
  'GET /api/admin/digest-runs/:id': 'viewer',
  'POST /api/admin/digest-runs': 'operator',
  'POST /api/admin/digest-runs/:id/retry-failed': 'operator',
  'POST /api/admin/digest-runs/:id/resume': 'operator',
  'POST /api/admin/digest-runs/:id/cancel': 'operator',
  'GET /api/admin/digest-preview': 'operator',
  'POST /api/admin/meetings': 'operator',
  'GET /api/admin/topics': 'viewer',
  'PUT /api/admin/topics/:slug': 'operator',
  'POST /api/admin/topics/retag': 'operator',
  'GET /api/admin/partners': 'viewer',
  'POST /api/admin/partners': 'owner',
  'POST /api/admin/partners/:id/keys': 'owner',
  'DELETE /api/admin/partners/:id/keys/:keyId': 'owner',
  'GET /api/admin/feed-requests': 'viewer',
  'POST /api/admin/feed-requests/:id/approve': 'operator',
  'POST /api/admin/feed-requests/:id/reject': 'operator',
  'GET /api/admin/subscribers': 'viewer',
  'GET /api/admin/subscribers/:id/export': 'operator',
  'DELETE /api/admin/subscribers/:id': 'owner',
  'POST /api/admin/subscribers/import': 'operator',
  'GET /api/admin/suppressions': 'viewer',
  'POST /api/admin/suppressions': 'operator',
  'DELETE /api/admin/suppressions/:email': 'owner',
  'GET /api/admin/audit': 'viewer',
  'GET /api/admin/operators': 'owner',
  'POST /api/admin/operators': 'owner',
  'DELETE /api/admin/operators/:id': 'owner',
  'GET /api/admin/tokens': 'viewer',
  'POST /api/admin/tokens': 'viewer',
  'DELETE /api/admin/tokens/:id': 'viewer',
};

const prefix = redisPrefix();
let database: Database;
let app: FastifyInstance;
let apiRoutes: RouteEntry[];
const tokens = {} as Record<OperatorRole, string>;

const keyOf = (route: RouteEntry) => `${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`;

beforeAll(async () => {
  const built = await roleMatrixApp(prefix);
  ({ database, app } = built);
  apiRoutes = built.routes.filter((route) => route.url.startsWith('/api/admin/'));
  for (const role of ranks) {
    const { operator } = await addOperator(database.db, { email: `${role}@council.example.org`, role });
    tokens[role] = (await createApiToken(database.db, operator.id, `${role} script`)).token;
  }
});

function call(route: RouteEntry, headers: Record<string, string>): InjectOptions {
  const withBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);
  // Ids nothing has, so an allowed call changes nothing that matters here.
  const url = concreteUrl(route.url, { id: '999999', keyId: '999999', slug: 'no-such-topic', email: 'nobody@example.org' });
  return { method: route.method as InjectOptions['method'], url, headers, ...(withBody ? { payload: {} } : {}) };
}

describe('the role of every operator API route', () => {
  it('is declared here for each route the app has', () => {
    const undeclared = apiRoutes.filter((route) => !apiRoles[keyOf(route)]).map(keyOf);
    expect(undeclared).toEqual([]);
  });

  it('answers 401 to no credentials', async () => {
    for (const route of apiRoutes) {
      const response = await app.inject(call(route, {}));
      expect(response.statusCode, keyOf(route)).toBe(401);
    }
  });

  for (const role of ranks) {
    it(`lets ${role === 'viewer' ? 'a' : 'an'} ${role} through exactly where the role allows it, and answers 403 elsewhere`, async () => {
      for (const route of apiRoutes) {
        const needed = apiRoles[keyOf(route)]!;
        const allowed = ranks.indexOf(role) >= ranks.indexOf(needed);
        const response = await app.inject(call(route, { authorization: `Bearer ${tokens[role]}` }));
        const label = `${role} ${keyOf(route)} answered ${response.statusCode}: ${response.body.slice(0, 160)}`;
        if (allowed) expect([401, 403], label).not.toContain(response.statusCode);
        else {
          expect(response.statusCode, label).toBe(403);
          if (route.method !== 'HEAD') expect(response.json().error.message, label).toContain(`needs the ${needed} role`);
        }
      }
    });
  }

  it('lets ADMIN_TOKEN act as an owner everywhere', async () => {
    for (const route of apiRoutes) {
      const response = await app.inject(call(route, adminHeaders));
      expect([401, 403], `${keyOf(route)} answered ${response.statusCode}`).not.toContain(response.statusCode);
    }
  });

  it('writes each refusal to the audit log with who asked and what they needed', async () => {
    await app.inject({ method: 'DELETE', url: '/api/admin/subscribers/42', headers: { authorization: `Bearer ${tokens.viewer}` } });
    const [latest] = await listAudit(database.db, { limit: 1, action: 'forbidden' });
    expect(latest).toMatchObject({
      actor: 'viewer script (viewer@council.example.org)',
      objectType: 'route',
      objectId: 'DELETE /api/admin/subscribers/:id',
      detail: { role: 'viewer', required: 'owner' },
    });
  });

  it('refuses a revoked personal token and a made-up one with 403', async () => {
    const { operator } = await addOperator(database.db, { email: 'short-lived@council.example.org', role: 'owner' });
    const issued = await createApiToken(database.db, operator.id, 'short');
    const revoke = await app.inject({ method: 'DELETE', url: `/api/admin/tokens/${issued.id}`, headers: { authorization: `Bearer ${issued.token}` } });
    expect(revoke.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/admin/audit', headers: { authorization: `Bearer ${issued.token}` } });
    expect(after.statusCode).toBe(403);
    const madeUp = await app.inject({ method: 'GET', url: '/api/admin/audit', headers: { authorization: `Bearer cdo_00000000_${'A'.repeat(43)}` } });
    expect(madeUp.statusCode).toBe(403);
  });
});
