import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness, type DigestHarness } from '../helpers/digests.js';
import { redisPrefix } from '../helpers/redis.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { bearer, createPartner, requestFeed } from '../feeds/fixtures.js';
import { appWithRouteTable, concreteUrl, type RouteEntry } from './route-table.js';

const webhookSecret = 'injection-webhook-secret-0123456789';
const lineBreaks = ['\r\nBcc: victim@example.org', '\nBcc: victim@example.org', '\rBcc: victim@example.org'];
const sqlMetacharacters = [
  "'", '"', "' OR '1'='1", "'; drop table subscribers; --", '1; select pg_sleep(5)', ') or (1=1', '%', '_', '%_%', '\\', '$1', "E'\\x00'", '\u0000', '::text', '/*', '2025-09-08\'--',
];

const prefix = redisPrefix();
let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;
let routes: RouteEntry[];
let partnerKey: string;
let feedId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, { redisPrefix: prefix, work: false, env: { BOUNCE_WEBHOOK_SECRET: webhookSecret } });
  ({ app, routes } = await appWithRouteTable(database, harness));
  const partner = await createPartner(app, 'Injection Partner');
  partnerKey = partner.key;
  feedId = (await requestFeed(app, partnerKey, { name: 'Injected feed' })).feed.id;
  await addSubscriber(database.db, { email: 'bystander@example.org' });
});

const credentialsFor = (url: string): Record<string, string> =>
  url.startsWith('/api/admin/') || url.startsWith('/admin/') ? adminHeaders : url.startsWith('/api/partner/') ? bearer(partnerKey) : {};

type Case = { what: string; method: 'POST'; url: string; headers?: Record<string, string>; payload: object };

/** Sends each request from its own client address (the sign-up limit is per IP) and expects a 4xx for every one. */
async function expectRefused(cases: readonly Case[], clientAddress: string, label = '') {
  for (const { what, ...request } of cases) {
    const response = await app.inject({ ...request, headers: { ...request.headers, 'x-forwarded-for': clientAddress } });
    expect(response.statusCode, `${what}${label}: ${response.body}`).toBeGreaterThanOrEqual(400);
    expect(response.statusCode, what).toBeLessThan(500);
  }
}

/** Posts the rows to the subscriber import, which must reject every one. */
async function expectImportRejects(emails: string[]) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/admin/subscribers/import',
    headers: { ...adminHeaders, 'content-type': 'application/json' },
    payload: JSON.stringify(emails.map((email) => ({ email }))),
  });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toMatchObject({ created: 0, rejectedCount: emails.length });
}

describe('line breaks in addresses and names', () => {
  const cases = (broken: string) => [
    { what: 'a sign-up address', method: 'POST', url: '/api/subscriptions', payload: { email: `eve@example.org${broken}` } },
    { what: 'a partner name', method: 'POST', url: '/api/admin/partners', headers: adminHeaders, payload: { name: `Eve${broken}`, contactEmail: 'eve@example.org' } },
    { what: "a partner's contact address", method: 'POST', url: '/api/admin/partners', headers: adminHeaders, payload: { name: 'Eve', contactEmail: `eve@example.org${broken}` } },
    { what: 'a feed name', method: 'POST', url: '/api/partner/feeds', headers: bearer(partnerKey), payload: { name: `Feed${broken}` } },
    { what: 'a feed recipient', method: 'POST', url: '/api/partner/feeds', headers: bearer(partnerKey), payload: { name: 'Feed', recipients: [`eve@example.org${broken}`] } },
    { what: 'a suppressed address', method: 'POST', url: '/api/admin/suppressions', headers: adminHeaders, payload: { email: `eve@example.org${broken}` } },
    { what: 'a bounce report', method: 'POST', url: '/api/webhooks/bounces', headers: { 'x-webhook-secret': webhookSecret }, payload: { email: `bystander@example.org${broken}`, type: 'complaint' } },
  ] as const;

  for (const broken of lineBreaks) {
    it(`are refused with a 4xx wherever an address or name is taken (${JSON.stringify(broken.slice(0, 2))})`, async () => {
      await expectRefused(cases(broken), `10.1.${lineBreaks.indexOf(broken)}.1`);
    });
  }

  it('are rejected row by row by the subscriber import', async () => {
    await expectImportRejects(lineBreaks.map((broken) => `eve@example.org${broken}`));
  });

  it('never reach a mail header: nothing was sent to the injected address', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.smtp.messages.filter((mail) => mail.raw.includes('victim@example.org'))).toEqual([]);
  });
});

describe('Unicode separators in addresses', () => {
  // Each once went through as a new address and was mailed to victim@example.org ("x" read as a display name).
  const separators = ['\u2028', '\u2029', '\u00a0', '\u3000', '\u200b', '\u0085'];
  const hijacks = separators.map((separator, index) => `x${index}${separator}victim@example.org`);
  const cases = (address: string) => [
    { what: 'a sign-up', method: 'POST', url: '/api/subscriptions', payload: { email: address } },
    { what: 'an operator', method: 'POST', url: '/api/admin/operators', headers: adminHeaders, payload: { email: address, role: 'viewer' } },
    { what: "a partner's contact address", method: 'POST', url: '/api/admin/partners', headers: adminHeaders, payload: { name: 'Eve', contactEmail: address } },
    { what: 'a feed recipient', method: 'POST', url: '/api/partner/feeds', headers: bearer(partnerKey), payload: { name: 'Feed', recipients: [address] } },
    { what: 'a suppression', method: 'POST', url: '/api/admin/suppressions', headers: adminHeaders, payload: { email: address } },
  ] as const;

  it('are refused with a 4xx at sign-up, for operators, partners, feeds and suppressions', async () => {
    for (const [index, address] of hijacks.entries()) await expectRefused(cases(address), `10.2.${index}.1`, ` ${JSON.stringify(address)}`);
  });

  it('are rejected row by row by the subscriber import, so no such address becomes active', async () => {
    await expectImportRejects(hijacks);
    const stored = await database.db.execute<{ n: string }>(sql`select count(*) as n from subscribers where email like '%victim@example.org'`);
    expect(Number(stored.rows[0]!.n)).toBe(0);
  });
});

describe('SQL metacharacters', () => {
  async function counts() {
    const result = await database.db.execute(sql`select (select count(*) from subscribers) as subscribers, (select count(*) from meetings) as meetings, (select count(*) from partners) as partners`);
    return result.rows[0];
  }

  it('in every query parameter and path parameter of every GET route are harmless: never a 5xx, nothing changed', async () => {
    const before = await counts();
    const targets = routes.filter((route) => route.method === 'GET' && !route.url.startsWith('/docs') && !route.url.startsWith('/admin/queues/static'));
    let tried = 0;
    for (const route of targets) {
      for (const value of sqlMetacharacters) {
        const params = Object.fromEntries([...route.url.matchAll(/:(\w+)/g)].map(([, name]) => [name!, encodeURIComponent(value)]));
        const query = new URLSearchParams(route.query.map((name): [string, string] => [name, value])).toString();
        const url = `${concreteUrl(route.url, params)}${query ? `?${query}` : ''}`;
        const response = await app.inject({ method: 'GET', url, headers: credentialsFor(route.url) });
        tried += 1;
        expect(response.statusCode, `${url} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
      }
    }
    expect(tried).toBeGreaterThan(500);
    expect(await counts()).toEqual(before);
  });

  it('in a search find only what contains them literally', async () => {
    for (const q of ['%', '_', "' OR '1'='1"]) {
      const response = await app.inject({ method: 'GET', url: `/api/admin/subscribers?q=${encodeURIComponent(q)}`, headers: adminHeaders });
      expect(response.statusCode).toBe(200);
      expect(JSON.stringify(response.json())).not.toContain('bystander@example.org');
    }
  });

  it('in a feed id answer 404 like any unknown feed', async () => {
    for (const value of sqlMetacharacters) {
      const response = await app.inject({ method: 'GET', url: `/api/partner/feeds/${encodeURIComponent(value)}`, headers: bearer(partnerKey) });
      expect([400, 404], `${value}: ${response.body}`).toContain(response.statusCode);
    }
    expect((await app.inject({ method: 'GET', url: `/api/partner/feeds/${feedId}`, headers: bearer(partnerKey) })).statusCode).toBe(200);
  });
});
