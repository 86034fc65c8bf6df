import type { FastifyInstance, InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedCouncils } from '../../src/meetings/seed.js';
import { adminHeaders, adminToken } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness } from '../helpers/digests.js';
import { redisPrefix } from '../helpers/redis.js';
import { bearer, createPartner, requestFeed } from '../feeds/fixtures.js';
import { appWithRouteTable, concreteUrl, guardOf, isConsolePage, type RouteEntry } from './route-table.js';

/**
 * Routes anyone may call. A route outside /api/admin, /admin and /api/partner
 * must be listed here, so a new one cannot appear without someone deciding
 * who it is for. HEAD follows GET.
 */
const publicRoutes = new Set([
  'GET /healthz', 'GET /readyz', 'GET /metrics',
  'GET /docs', 'HEAD /docs/', 'GET /docs/static/index.html', 'GET /docs/static/swagger-initializer.js',
  'GET /docs/json', 'GET /docs/yaml', 'GET /docs/static/*',
  'GET /api/councils', 'GET /api/topics', 'GET /api/meetings', 'GET /api/meetings/:id',
  'POST /api/subscriptions', 'POST /api/webhooks/bounces',
  // Provider webhooks: each authenticated its provider's way (SNS signature and topic, Mailgun HMAC, Postmark basic auth).
  'POST /api/webhooks/ses', 'POST /api/webhooks/mailgun', 'POST /api/webhooks/postmark',
  'GET /', 'GET /assets/site.css', 'GET /subscribe', 'POST /subscribe', 'GET /subscribe/committees', 'POST /subscribe/committees',
  'GET /confirm/:token', 'GET /preferences/:token', 'POST /preferences/:token',
  'GET /unsubscribe/:token', 'POST /unsubscribe/:token', 'GET /resubscribe/:token', 'POST /resubscribe/:token',
  'GET /digests/:token',
  // Following an item: the subscriber's signed link; the item's path is checked against the meeting's agenda as it is.
  'GET /follow/:token/:meeting/:kind/:value', 'POST /follow/:token/:meeting/:kind/:value',
  // Calendar feeds: the public ones by slug, a subscriber's by a signed link (`.ics` is part of the last segment).
  'GET /calendar/councils/:council', 'GET /calendar/councils/:council/:committee', 'GET /calendar/:token',
  'GET /feeds/:id/:token.atom', 'GET /feeds/confirm/:token', 'GET /feeds/unsubscribe/:token', 'POST /feeds/unsubscribe/:token',
  'GET /admin/sign-in', 'POST /admin/sign-in', 'GET /admin/sign-in/:token', 'POST /admin/sign-in/:token', 'POST /admin/sign-out',
  'GET /admin/assets/console.css', 'GET /admin/assets/console.js',
]);

const isListedPublic = ({ method, url }: RouteEntry) =>
  publicRoutes.has(`${method} ${url}`) || (method === 'HEAD' && publicRoutes.has(`GET ${url}`));

const prefix = redisPrefix();
let app: FastifyInstance;
let routes: RouteEntry[];
let alice: Awaited<ReturnType<typeof createPartner>>;
let bob: Awaited<ReturnType<typeof createPartner>>;
let aliceFeed: string;

beforeAll(async () => {
  const database = await createTestDatabase();
  await seedCouncils(database.db);
  const harness = await createDigestHarness(database, { redisPrefix: prefix, work: false, env: { PARTNER_RATE_LIMIT_PER_MINUTE: '1000000' } });
  ({ app, routes } = await appWithRouteTable(database, harness));
  alice = await createPartner(app, 'Alice Trust');
  bob = await createPartner(app, 'Bob Council');
  aliceFeed = (await requestFeed(app, alice.key, { name: "Alice's feed" })).feed.id;
});

/** A request for a route with every parameter filled in; methods that take a body get an empty JSON object. */
function requestFor(route: RouteEntry, headers: Record<string, string>, values: Record<string, string> = {}): InjectOptions {
  const withBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);
  return {
    method: route.method as InjectOptions['method'],
    url: concreteUrl(route.url, values),
    headers,
    ...(withBody ? { payload: {} } : {}),
  };
}

async function expectRefusal(route: RouteEntry, headers: Record<string, string>, status: number, values?: Record<string, string>) {
  const response = await app.inject(requestFor(route, headers, values));
  const label = `${route.method} ${route.url} answered ${response.statusCode}: ${response.body.slice(0, 200)}`;
  if (isConsolePage(route.url)) {
    // A console page sends a browser without a session to sign in, and refuses a bad token with a page.
    if (status === 401) {
      expect(response.statusCode, label).toBe(303);
      expect(response.headers.location, label).toBe('/admin/sign-in');
    } else expect(response.statusCode, label).toBe(status);
    return;
  }
  expect(response.statusCode, label).toBe(status);
  if (route.method !== 'HEAD') expect(response.json().error.code, label).toBe(status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'forbidden');
}

describe('the route table', () => {
  it('holds operator, partner and public routes, Bull Board included', () => {
    const guards = new Set(routes.map((route) => guardOf(route.url)));
    expect([...guards].sort()).toEqual(['operator', 'partner', 'public']);
    expect(routes.some((route) => route.url.startsWith('/admin/queues/api/'))).toBe(true);
  });

  it('has no route outside the operator and partner prefixes unless it is listed as public', () => {
    const unlisted = routes.filter((route) => guardOf(route.url) === 'public' && !isListedPublic(route));
    expect(unlisted.map((route) => `${route.method} ${route.url}`)).toEqual([]);
  });
});

describe('every operator route', () => {
  const operatorRoutes = () => routes.filter((route) => guardOf(route.url) === 'operator');

  it('answers 401 without a token (a console page: sends the browser to sign in), before reading any body', async () => {
    for (const route of operatorRoutes()) await expectRefusal(route, {}, 401);
  });

  it('answers 403 to a wrong token', async () => {
    for (const route of operatorRoutes()) await expectRefusal(route, bearer(`${adminToken}x`), 403);
  });

  it('answers 403 to a partner key', async () => {
    for (const route of operatorRoutes()) await expectRefusal(route, bearer(alice.key), 403);
  });

  it('answers 403 to a wrong password through the browser sign-in prompt of Bull Board', async () => {
    const basic = { authorization: `Basic ${Buffer.from('ops:not-the-token').toString('base64')}` };
    for (const route of operatorRoutes().filter((candidate) => candidate.url.startsWith('/admin/queues'))) await expectRefusal(route, basic, 403);
  });

  it('lets the operator token through', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/subscribers', headers: adminHeaders });
    expect(response.statusCode).toBe(200);
  });
});

describe('every partner route', () => {
  const partnerRoutes = () => routes.filter((route) => guardOf(route.url) === 'partner');

  for (const [name, headers] of [
    ['no key', () => ({})],
    ['a wrong key', () => bearer(`${alice.key.slice(0, -1)}${alice.key.endsWith('A') ? 'B' : 'A'}`)],
    ['the operator token', () => bearer(adminToken)],
  ] as const) {
    it(`answers 401 to ${name}`, async () => {
      for (const route of partnerRoutes()) await expectRefusal(route, headers(), 401);
    });
  }

  it("answers 404 to another partner naming a partner's feed, and serves its owner", async () => {
    const named = partnerRoutes().filter((route) => route.url.includes(':id'));
    expect(named.length).toBeGreaterThan(0);
    for (const route of named) {
      await expectRefusal(route, bearer(bob.key), 404, { id: aliceFeed });
      const owner = await app.inject(requestFor(route, bearer(alice.key), { id: aliceFeed }));
      expect(owner.statusCode, `${route.method} ${route.url}`).toBeLessThan(300);
    }
  });

  it("lists only the partner's own feeds", async () => {
    const listed = await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(bob.key) });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(aliceFeed);
  });
});
