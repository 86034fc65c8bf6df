import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createApiCache } from '../../src/http/caches.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders, createTestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';

let database: Database;
let app: FastifyInstance;

const week = '/api/meetings?from=2025-09-08&to=2025-09-14';

/** A meeting in the week of 8 September 2025 on a committee of its own, as an import would bring it. */
function meetingRecord(committee: string, council = 'Hertfordshire County Council') {
  return { council, committee, startsAt: '2025-09-11T10:00:00+01:00', summary: `The ${committee} met.` };
}

const committeesIn = (body: { meetings: { committee: { name: string } }[] }) => body.meetings.map((meeting) => meeting.committee.name);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  app = await createTestApp(database, { SIGNUP_RATE_LIMIT_PER_IP: '1000' });
});

describe('cached public answers', () => {
  it('carry an ETag and answer 304 to a client that already has them', async () => {
    for (const url of [week, '/api/councils', '/api/topics']) {
      const first = await app.inject({ method: 'GET', url });
      expect(first.statusCode).toBe(200);
      expect(first.headers['cache-control']).toBe('public, no-cache');
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      const again = await app.inject({ method: 'GET', url, headers: { 'if-none-match': first.headers.etag as string } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      const changed = await app.inject({ method: 'GET', url, headers: { 'if-none-match': '"something-else"' } });
      expect(changed.statusCode).toBe(200);
      expect(changed.body).toBe(first.body);
    }
  });

  it('come gzipped, with an ETag of their own, to clients that accept gzip; small ones come as they are', async () => {
    const plain = await app.inject({ method: 'GET', url: week });
    const zipped = await app.inject({ method: 'GET', url: week, headers: { 'accept-encoding': 'br;q=1, gzip;q=0.8, deflate' } });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    const again = await app.inject({ method: 'GET', url: week, headers: { 'accept-encoding': 'gzip', 'if-none-match': zipped.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    // The gzip copy's ETag does not match the plain answer, so a client that stopped accepting gzip gets the bytes it can read.
    const refused = await app.inject({ method: 'GET', url: week, headers: { 'accept-encoding': 'gzip;q=0', 'if-none-match': zipped.headers.etag as string } });
    expect(refused.statusCode).toBe(200);
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
    const small = await app.inject({ method: 'GET', url: '/api/meetings?from=2020-01-06&to=2020-01-07', headers: { 'accept-encoding': 'gzip' } });
    expect(small.statusCode).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toMatchObject({ meetings: [] });
  });

  it('give the same answer to the same query however its lists are written', async () => {
    const one = await app.inject({ method: 'GET', url: `${week}&topic=children-social-care,education` });
    const other = await app.inject({ method: 'GET', url: `${week}&topic=education&topic=children-social-care&topic=education` });
    expect(one.statusCode).toBe(200);
    expect(other.body).toBe(one.body);
    expect(other.headers.etag).toBe(one.headers.etag);
  });

  it('show a meeting imported through this process at once', async () => {
    const before = await app.inject({ method: 'GET', url: week });
    const imported = await app.inject({ method: 'POST', url: '/api/admin/meetings', headers: adminHeaders, payload: meetingRecord('Audit Committee') });
    expect(imported.statusCode).toBe(201);
    const after = await app.inject({ method: 'GET', url: week });
    expect(committeesIn(after.json())).toEqual([...committeesIn(before.json()), 'Audit Committee']);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('show what another process imported at once when API_CACHE_SECONDS is 0', async () => {
    const uncached = await createTestApp(database, { API_CACHE_SECONDS: '0' });
    await uncached.inject({ method: 'GET', url: week });
    await importRecords(database.db, [meetingRecord('Pensions Committee')]);
    const after = await uncached.inject({ method: 'GET', url: week });
    expect(committeesIn(after.json())).toContain('Pensions Committee');
  });

  it('accept a council another process created a moment ago, and still refuse one that does not exist', async () => {
    await app.inject({ method: 'GET', url: '/api/councils' });
    await importRecords(database.db, [meetingRecord('Full Council', 'Luton Borough Council')]);
    const listed = await app.inject({ method: 'GET', url: `${week}&council=luton-borough-council` });
    expect(listed.statusCode).toBe(200);
    expect(committeesIn(listed.json())).toEqual(['Full Council']);
    const signUp = await app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'luton@example.org', councils: ['luton-borough-council'] } });
    expect(signUp.statusCode).toBe(202);
    const unknown = await app.inject({ method: 'GET', url: `${week}&council=atlantis` });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.message).toContain('luton-borough-council');
  });
});

describe('the API cache', () => {
  it('keeps answers 10 seconds unless API_CACHE_SECONDS says otherwise; 0 turns it off, a negative value fails the start', () => {
    expect(loadConfig({}).API_CACHE_SECONDS).toBe(10);
    expect(loadConfig({ API_CACHE_SECONDS: '0' }).API_CACHE_SECONDS).toBe(0);
    expect(() => loadConfig({ API_CACHE_SECONDS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ API_CACHE_SECONDS: '-1' })).toThrow(/API_CACHE_SECONDS: must be a whole number from 0 to 3600/);
  });

  const slow = () => {
    let finish!: (text: string) => void;
    const made = new Promise<string>((resolve) => (finish = resolve));
    return { made, finish };
  };

  it('makes an answer once for requests that ask together, and keeps it', async () => {
    const cache = createApiCache(database.db, { ttlMs: 60_000 });
    let builds = 0;
    const pending = slow();
    const build = () => ((builds += 1), pending.made);
    const asked = [cache.answer('k', build), cache.answer('k', build)];
    pending.finish('{"a":1}');
    const [first, second] = await Promise.all(asked);
    expect(second).toBe(first);
    expect(first!.body.toString()).toBe('{"a":1}');
    expect(await cache.answer('k', build)).toBe(first);
    expect(builds).toBe(1);
  });

  it('keeps nothing with a ttl of 0', async () => {
    const cache = createApiCache(database.db, { ttlMs: 0 });
    let builds = 0;
    await cache.answer('k', async () => ((builds += 1), '{}'));
    await cache.answer('k', async () => ((builds += 1), '{}'));
    expect(builds).toBe(2);
  });

  it('drops its answers when invalidated, and never keeps one whose build began before', async () => {
    const cache = createApiCache(database.db, { ttlMs: 60_000 });
    await cache.answer('kept', async () => '"old"');
    const pending = slow();
    const before = cache.answer('building', () => pending.made);
    cache.invalidate();
    pending.finish('"made before the change"');
    expect((await before).body.toString()).toBe('"made before the change"');
    expect((await cache.answer('building', async () => '"made after"')).body.toString()).toBe('"made after"');
    expect((await cache.answer('kept', async () => '"new"')).body.toString()).toBe('"new"');
  });

  it('does not keep a failed build', async () => {
    const cache = createApiCache(database.db, { ttlMs: 60_000 });
    await expect(cache.answer('k', async () => Promise.reject(new Error('no database')))).rejects.toThrow('no database');
    expect((await cache.answer('k', async () => '"fine"')).body.toString()).toBe('"fine"');
  });
});
