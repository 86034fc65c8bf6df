import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness } from '../helpers/digests.js';
import { redisPrefix } from '../helpers/redis.js';
import { bearer, createPartner, requestFeed } from '../feeds/fixtures.js';
import { appWithRouteTable, concreteUrl, type RouteEntry } from '../security/route-table.js';

const webhookSecret = 'fuzz-webhook-secret-0123456789';
const runsPerRoute = 120;

/** Field names the JSON routes read, so generated objects reach past the first check into the fields' own. */
const fieldNames = [
  'email', 'councils', 'committees', 'topics', 'keywords', 'note', 'name', 'contactEmail', 'recipients', 'week', 'dryRun',
  'revokeOthers', 'reason', 'type', 'threshold', 'rules', 'term', 'weight', 'description', 'council', 'committee', 'startsAt',
  'title', 'summary', 'sections', 'heading', 'blocks', 'status', 'sources', 'attendees', 'documents', 'decisions', '__proto__', 'constructor',
];

const leafValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '\u0000', "'; drop table subscribers; --", '<script>alert(1)</script>', 'a@example.org', '2025-09-08', 'x'.repeat(5000)),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53, 0.5),
);

/** Arbitrary JSON: whole values, and objects built from the routes' own field names. */
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom(...fieldNames), leafValue, { maxKeys: 8 }),
  fc.array(fc.dictionary(fc.constantFrom(...fieldNames), leafValue, { maxKeys: 5 }), { maxLength: 5 }),
);

const prefix = redisPrefix();
let app: FastifyInstance;
let jsonRoutes: RouteEntry[];
let partnerKey: string;
let feedId: string;

beforeAll(async () => {
  const database = await createTestDatabase();
  await seedDatabase(database.db);
  const harness = await createDigestHarness(database, {
    redisPrefix: prefix,
    work: false,
    // Hundreds of generated requests per partner route: the per-partner limit (tested on its own) would answer 429 first.
    env: {
      BOUNCE_WEBHOOK_SECRET: webhookSecret,
      PARTNER_RATE_LIMIT_PER_MINUTE: '1000000',
      // The provider webhooks switched on, so generated bodies reach their checks.
      SES_SNS_TOPIC_ARNS: 'arn:aws:sns:eu-west-2:123456789012:ses-returns',
      MAILGUN_WEBHOOK_SIGNING_KEY: 'key-fuzzed-mailgun-signing-key',
      ...postmark,
    },
  });
  const built = await appWithRouteTable(database, harness);
  app = built.app;
  jsonRoutes = built.routes.filter((route) => route.url.startsWith('/api/') && ['POST', 'PUT', 'PATCH'].includes(route.method));
  const partner = await createPartner(app, 'Fuzz Partner');
  partnerKey = partner.key;
  feedId = (await requestFeed(app, partnerKey, { name: 'Fuzzed feed' })).feed.id;
});

const postmark = { POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: 'postmark-webhook-password-0123' };

/** The credentials that let a request reach the route's validation. */
function credentialsFor(url: string): Record<string, string> {
  if (url.startsWith('/api/admin/')) return adminHeaders;
  if (url.startsWith('/api/partner/')) return bearer(partnerKey);
  if (url === '/api/webhooks/postmark') return { authorization: `Basic ${Buffer.from(`${postmark.POSTMARK_WEBHOOK_USER}:${postmark.POSTMARK_WEBHOOK_PASSWORD}`).toString('base64')}` };
  if (url.startsWith('/api/webhooks/')) return { 'x-webhook-secret': webhookSecret };
  return {};
}

describe('every JSON route, given arbitrary JSON', () => {
  it('covers the JSON routes of every audience', () => {
    const urls = jsonRoutes.map((route) => route.url);
    for (const expected of ['/api/subscriptions', '/api/admin/meetings', '/api/admin/digest-runs', '/api/partner/feeds', '/api/webhooks/bounces']) {
      expect(urls).toContain(expected);
    }
  });

  it(`answers in the error shape and never with a 5xx (${runsPerRoute} bodies per route)`, async () => {
    const statuses = new Map<number, number>();
    for (const route of jsonRoutes) {
      const url = concreteUrl(route.url, { id: feedId, slug: 'housing' });
      await fc.assert(
        fc.asyncProperty(jsonBody, fc.ipV4(), async (body, ip) => {
          const response = await app.inject({
            method: route.method as 'POST',
            url,
            // A fresh client address each time, so the sign-up limit never hides what validation says.
            headers: { ...credentialsFor(route.url), 'content-type': 'application/json', 'x-forwarded-for': ip },
            payload: JSON.stringify(body),
          });
          const label = `${route.method} ${url} ${JSON.stringify(body).slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode, label).toBeLessThan(500);
          if (response.statusCode >= 400) {
            const { error } = response.json();
            expect(typeof error.code, label).toBe('string');
            expect(typeof error.message, label).toBe('string');
          }
        }),
        { numRuns: runsPerRoute },
      );
    }
    // Most arbitrary JSON is refused by validation; the rest is input a route accepts (an empty filter set, a body it ignores).
    expect(statuses.get(400)).toBeGreaterThan(jsonRoutes.length * runsPerRoute * 0.5);
  });

  it('answers malformed JSON text with 400 in the error shape (the streamed import rejects it row by row)', async () => {
    for (const route of jsonRoutes.filter((candidate) => candidate.url !== '/api/admin/subscribers/import')) {
      for (const text of ['{', '{"a":', '[1,,2]', 'nul', '"\\u00"', '{"a":1}x']) {
        const response = await app.inject({
          method: route.method as 'POST',
          url: concreteUrl(route.url, { id: feedId, slug: 'housing' }),
          headers: { ...credentialsFor(route.url), 'content-type': 'application/json' },
          payload: text,
        });
        expect(response.statusCode, `${route.method} ${route.url} ${text}: ${response.body}`).toBe(400);
        expect(response.json().error.code).toEqual(expect.any(String));
      }
    }
  });
});
