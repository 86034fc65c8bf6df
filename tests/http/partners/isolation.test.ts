import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { redactPaths } from '../../../src/logger.js';
import { seedCouncils } from '../../../src/meetings/seed.js';
import { adminHeaders, adminToken, createTestApp } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { bearer, createPartner, requestFeed } from '../../feeds/fixtures.js';

let app: FastifyInstance;
let database: Database;
let alice: Awaited<ReturnType<typeof createPartner>>;
let bob: Awaited<ReturnType<typeof createPartner>>;
let aliceFeed: string;
let revokedKey: string;

/** Every partner route, for a feed id. */
const partnerRoutes = (feedId: string) => [
  { method: 'POST' as const, url: '/api/partner/feeds', payload: { name: 'Anything' } },
  { method: 'GET' as const, url: '/api/partner/feeds' },
  { method: 'GET' as const, url: `/api/partner/feeds/${feedId}` },
  { method: 'GET' as const, url: `/api/partner/feeds/${feedId}/items` },
  { method: 'POST' as const, url: `/api/partner/feeds/${feedId}/atom-token` },
];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  app = await createTestApp(database);
  alice = await createPartner(app, 'Alice Trust');
  bob = await createPartner(app, 'Bob Council');
  aliceFeed = (await requestFeed(app, alice.key, { name: "Alice's feed", recipients: ['carer@example.org'] })).feed.id;
  const spare = await app.inject({ method: 'POST', url: `/api/admin/partners/${alice.id}/keys`, headers: adminHeaders });
  revokedKey = spare.json().key.key;
  await app.inject({ method: 'DELETE', url: `/api/admin/partners/${alice.id}/keys/${spare.json().key.id}`, headers: adminHeaders });
});

describe('who may call partner routes', () => {
  const refusals = {
    'no key': {},
    'a malformed key': bearer('cdp_nonsense'),
    'a well-formed key nobody was given': bearer(`cdp_00000000_${'A'.repeat(43)}`),
    'a revoked key': () => bearer(revokedKey),
    'the operator token': bearer(adminToken),
  };

  for (const [name, headers] of Object.entries(refusals)) {
    it(`answers 401 on every partner route for ${name}`, async () => {
      for (const route of partnerRoutes(aliceFeed)) {
        const response = await app.inject({ ...route, headers: typeof headers === 'function' ? headers() : headers });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(response.json().error.code).toBe('unauthorized');
      }
    });
  }

  it("answers 404 on every route naming another partner's feed, as for a feed that does not exist", async () => {
    for (const route of partnerRoutes(aliceFeed).filter((candidate) => candidate.url.includes(aliceFeed))) {
      const response = await app.inject({ ...route, headers: bearer(bob.key) });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(response.json().error).toEqual({ code: 'not_found', message: `No feed ${aliceFeed}` });
    }
    const mine = await app.inject({ method: 'GET', url: `/api/partner/feeds/${aliceFeed}`, headers: bearer(alice.key) });
    expect(mine.statusCode).toBe(200);
  });

  it("leaves another partner's feeds out of the list", async () => {
    const response = await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(bob.key) });
    expect(response.json().feeds).toEqual([]);
  });

  it('refuses a partner key on operator routes', async () => {
    for (const url of ['/api/admin/partners', '/api/admin/feed-requests']) {
      const response = await app.inject({ method: 'GET', url, headers: bearer(alice.key) });
      expect(response.statusCode, url).toBe(403);
    }
    const approve = await app.inject({ method: 'POST', url: `/api/admin/feed-requests/${aliceFeed}/approve`, headers: bearer(alice.key) });
    expect(approve.statusCode).toBe(403);
  });
});

describe('key rotation and revocation', () => {
  it('issues a new key that works alongside the old one until that is revoked', async () => {
    const partner = await createPartner(app, 'Rotating Partner');
    const rotated = await app.inject({ method: 'POST', url: `/api/admin/partners/${partner.id}/keys`, headers: adminHeaders, payload: {} });
    expect(rotated.statusCode).toBe(201);
    const fresh: string = rotated.json().key.key;
    expect(fresh).not.toBe(partner.key);
    for (const key of [partner.key, fresh]) {
      expect((await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(key) })).statusCode).toBe(200);
    }
    const revoked = await app.inject({ method: 'DELETE', url: `/api/admin/partners/${partner.id}/keys/${partner.keyId}`, headers: adminHeaders });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().key.revokedAt).toEqual(expect.any(String));
    expect((await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(partner.key) })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(fresh) })).statusCode).toBe(200);
  });

  it('revokes every other key at once with revokeOthers', async () => {
    const partner = await createPartner(app, 'Compromised Partner');
    const rotated = await app.inject({
      method: 'POST',
      url: `/api/admin/partners/${partner.id}/keys`,
      headers: adminHeaders,
      payload: { revokeOthers: true },
    });
    expect((await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(partner.key) })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(rotated.json().key.key) })).statusCode).toBe(200);
  });

  it('lists partners with key prefixes and last use, never the keys or their hashes', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/partners', headers: adminHeaders });
    const listed = response.json().partners.find((partner: { id: number }) => partner.id === alice.id);
    expect(listed).toMatchObject({ name: 'Alice Trust', feeds: 1 });
    expect(listed.keys[0]).toEqual({
      id: alice.keyId,
      prefix: alice.key.slice(4, 12),
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      revokedAt: null,
    });
    expect(response.body).not.toContain(alice.key);
    expect(response.body).not.toMatch(/"hash"/);
  });

  it('answers 404 for a key of another partner, 409 for a partner name already taken', async () => {
    const crossed = await app.inject({ method: 'DELETE', url: `/api/admin/partners/${bob.id}/keys/${alice.keyId}`, headers: adminHeaders });
    expect(crossed.statusCode).toBe(404);
    const taken = await app.inject({
      method: 'POST',
      url: '/api/admin/partners',
      headers: adminHeaders,
      payload: { name: 'alice trust', contactEmail: 'x@example.org' },
    });
    expect(taken.statusCode).toBe(409);
  });
});

describe('logs', () => {
  it('never contain a partner key or an Atom token, whatever the request', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
    const logged = await createTestApp(database, {}, { logger });
    const partner = await createPartner(logged, 'Logged Partner');
    const created = await requestFeed(logged, partner.key, { name: 'Logged feed' });
    await logged.inject({ method: 'POST', url: `/api/admin/feed-requests/${created.feed.id}/approve`, headers: adminHeaders });
    const atomPath = new URL(created.atomUrl).pathname;
    expect((await logged.inject({ method: 'GET', url: atomPath })).statusCode).toBe(200);
    await logged.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(partner.key) });
    await logged.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(`${partner.key.slice(0, -1)}x`) });
    const rotated = await logged.inject({ method: 'POST', url: `/api/admin/partners/${partner.id}/keys`, headers: adminHeaders });

    const output = lines.join('');
    expect(output).toContain('partner created');
    expect(output).toContain('partner key refused');
    for (const secret of [partner.key, partner.key.slice(13), rotated.json().key.key, atomPath.split('/').pop()!.replace('.atom', '')]) {
      expect(output).not.toContain(secret);
    }
  });
});
