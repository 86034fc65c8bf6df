import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { loggerOptions, redactUrl } from '../../src/logger.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { adminHeaders, adminToken, createTestApp, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness } from '../helpers/digests.js';
import { redisPrefix } from '../helpers/redis.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { bearer, createPartner, requestFeed } from '../feeds/fixtures.js';
import { appWithRouteTable, concreteUrl, type RouteEntry } from './route-table.js';

const webhookSecret = 'headers-webhook-secret-0123456789';
const prefix = redisPrefix();
let database: Database;
let app: FastifyInstance;
let routes: RouteEntry[];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  const harness = await createDigestHarness(database, {
    redisPrefix: prefix,
    work: false,
    env: { BOUNCE_WEBHOOK_SECRET: webhookSecret, POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: 'postmark-webhook-password-0123' },
  });
  ({ app, routes } = await appWithRouteTable(database, harness));
});

describe('security headers', () => {
  it('are on every GET answer: nosniff, no framing by other sites, a same-origin referrer, HSTS and a content security policy', async () => {
    for (const route of routes.filter((candidate) => candidate.method === 'GET')) {
      const url = concreteUrl(route.url);
      const response = await app.inject({ method: 'GET', url, headers: route.url.startsWith('/admin') || route.url.startsWith('/api/admin') ? adminHeaders : {} });
      const headers = response.headers;
      expect(headers['x-content-type-options'], url).toBe('nosniff');
      expect(headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(headers['content-security-policy'], url).toMatch(/frame-ancestors '(none|self)'/);
      expect(headers['content-security-policy'], url).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      if (!url.startsWith('/docs')) expect(['same-origin', 'no-referrer'], url).toContain(headers['referrer-policy']);
    }
  });

  it('give pages a policy that allows no script at all and only our own stylesheet and forms', async () => {
    for (const url of ['/', '/confirm/not-a-token', '/no-such-page']) {
      const policy = String((await app.inject({ method: 'GET', url })).headers['content-security-policy']);
      expect(policy, url).toContain("default-src 'none'");
      expect(policy, url).not.toContain('script-src');
      expect(policy, url).toContain("style-src 'self'");
      expect(policy, url).toContain("form-action 'self'");
    }
  });

  it("are on Fastify's own routing errors, which answer in the error shape", async () => {
    const tooLong = await app.inject({ method: 'GET', url: `/confirm/${'a'.repeat(2000)}` });
    expect(tooLong.statusCode).toBe(414);
    expect(tooLong.json()).toEqual({ error: { code: 'uri_too_long', message: expect.any(String) } });
    const badUrl = await app.inject({ method: 'GET', url: '/api/meetings/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.code).toBe('bad_request');
    for (const response of [tooLong, badUrl]) expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('request body limits', () => {
  it('refuse a 6 MiB body with 413 on every route that takes one (in the error shape, or a page for forms), except the streamed subscriber import', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024) });
    const withBody = routes.filter((route) => ['POST', 'PUT', 'PATCH'].includes(route.method) && route.url !== '/api/admin/subscribers/import' && !route.url.startsWith('/admin/queues'));
    for (const route of withBody) {
      const response = await app.inject({
        method: route.method as 'POST',
        url: concreteUrl(route.url),
        headers: { ...adminHeaders, 'x-webhook-secret': webhookSecret, 'content-type': 'application/json' },
        payload: huge,
      });
      // These authenticate before reading a body, and the operator's bearer token is not their credential.
      if (route.url.startsWith('/api/partner/') || route.url === '/api/webhooks/postmark') {
        expect(response.statusCode, route.url).toBe(401);
        continue;
      }
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(413);
      if (String(response.headers['content-type']).startsWith('application/json')) expect(response.json().error.code).toBe('payload_too_large');
    }
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After once an address has used its sign-ups, whether by API or form', async () => {
    const limited = await createTestApp(database, { SIGNUP_RATE_LIMIT_PER_IP: '2' });
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const answers = [];
    for (let n = 0; n < 3; n += 1) {
      answers.push(await limited.inject({ method: 'POST', url: '/api/subscriptions', headers: from, payload: { email: `limit-${n}@example.org` } }));
    }
    expect(answers.map((response) => response.statusCode)).toEqual([202, 202, 429]);
    expect(answers[2]!.json().error.code).toBe('rate_limited');
    expect(answers[2]!.headers['retry-after']).toBeDefined();
    const form = await limited.inject({ method: 'POST', url: '/subscribe', headers: { ...from, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=x%40example.org' });
    expect(form.statusCode).toBe(429);
    const elsewhere = await limited.inject({ method: 'POST', url: '/api/subscriptions', headers: { 'x-forwarded-for': '203.0.113.10' }, payload: { email: 'other@example.org' } });
    expect(elsewhere.statusCode).toBe(202);
  });
});

describe('logs', () => {
  it('redact link and feed tokens from request URLs', () => {
    expect(redactUrl('/confirm/abc.def?x=1')).toBe('/confirm/[redacted]?x=1');
    expect(redactUrl('/feeds/unsubscribe/abc.def')).toBe('/feeds/unsubscribe/[redacted]');
    expect(redactUrl('/feeds/3ecb/SECRET.atom')).toBe('/feeds/3ecb/[redacted].atom');
    expect(redactUrl('/api/meetings/12')).toBe('/api/meetings/12');
  });

  it('never hold an operator token, a partner key, a webhook secret or a link token, whatever was asked', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = await createTestApp(database, { BOUNCE_WEBHOOK_SECRET: webhookSecret }, { logger: pino(loggerOptions({ level: 'trace' }), sink) });
    const partner = await createPartner(logged, 'Logged Partner');
    const feed = await requestFeed(logged, partner.key, { name: 'Logged feed' });
    const subscriber = await addSubscriber(database.db, { email: 'logged@example.org' });
    const links = subscriberLinks('https://digest.example.org', tokenSecret, subscriber);
    const linkUrls = [links.manage(), links.unsubscribe(), links.digest('2025-09-08'), links.confirm(), links.resubscribe()].map((link) => new URL(link).pathname);
    for (const path of linkUrls) await logged.inject({ method: 'GET', url: path });
    await logged.inject({ method: 'POST', url: linkUrls[1]!, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    await logged.inject({ method: 'GET', url: new URL(feed.atomUrl).pathname });
    await logged.inject({ method: 'GET', url: '/api/admin/subscribers', headers: adminHeaders });
    await logged.inject({ method: 'GET', url: '/api/admin/subscribers', headers: bearer(`${adminToken}-wrong`) });
    await logged.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(partner.key) });
    await logged.inject({ method: 'POST', url: '/api/webhooks/bounces', headers: { 'x-webhook-secret': webhookSecret }, payload: { email: 'logged@example.org', type: 'soft' } });
    await logged.inject({ method: 'GET', url: `/confirm/${'b'.repeat(2000)}` });

    const output = lines.join('');
    expect(output).toContain('incoming request');
    expect(output).toContain('/preferences/[redacted]');
    const secrets = [adminToken, partner.key, partner.key.slice(13), webhookSecret, new URL(feed.atomUrl).pathname.split('/').pop()!.replace('.atom', '')];
    for (const path of linkUrls) secrets.push(path.split('/').pop()!, path.split('/').pop()!.split('.')[1]!);
    for (const secret of secrets) expect(output, secret).not.toContain(secret);
  });
});
