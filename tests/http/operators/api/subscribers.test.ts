import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/db/client.js';
import { deliveries, digestRuns, subscribers } from '../../../../src/db/schema/index.js';
import { seedDatabase } from '../../../../src/harvest/seed.js';
import { filterKey } from '../../../../src/subscribers/filters.js';
import { subscriberLinks } from '../../../../src/subscribers/links.js';
import { adminHeaders, createTestApp, tokenSecret } from '../../../helpers/app.js';
import { createTestDatabase } from '../../../helpers/db.js';

let app: FastifyInstance;
let database: Database;

type Row = typeof subscribers.$inferSelect;

async function subscriber(email: string, values: Partial<Row> = {}): Promise<Row> {
  const [row] = await database.db
    .insert(subscribers)
    .values({ email, emailKey: email.toLowerCase(), status: 'active', confirmedAt: new Date(), filterKey: filterKey({}), ...values })
    .returning();
  return row!;
}

async function rowFor(emailKey: string) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.emailKey, emailKey));
  return row;
}

function admin(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
  return app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  app = await createTestApp(database);
});

describe('operator access', () => {
  it('refuses the subscriber routes without the operator token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/admin/subscribers' })).statusCode).toBe(401);
    const upload = await app.inject({ method: 'POST', url: '/api/admin/subscribers/import', headers: { 'content-type': 'text/csv' }, payload: 'email\na@example.org\n' });
    expect(upload.statusCode).toBe(401);
    expect(await rowFor('a@example.org')).toBeUndefined();
  });
});

describe('GET /api/admin/subscribers', () => {
  it('lists subscribers newest first with their status, searches by address and status, and pages', async () => {
    await subscriber('list-one@example.org');
    await subscriber('list-two@example.org', { status: 'paused' });
    await subscriber('list-three@example.org', { status: 'pending', confirmedAt: null });

    const all = (await admin('GET', '/api/admin/subscribers?q=list-')).json();
    expect(all.total).toBe(3);
    expect(all.subscribers.map((row: Row) => [row.email, row.status])).toEqual([
      ['list-three@example.org', 'pending'],
      ['list-two@example.org', 'paused'],
      ['list-one@example.org', 'active'],
    ]);

    const paused = (await admin('GET', '/api/admin/subscribers?q=LIST-&status=paused')).json();
    expect(paused.subscribers.map((row: Row) => row.email)).toEqual(['list-two@example.org']);

    const first = (await admin('GET', '/api/admin/subscribers?q=list-&limit=2')).json();
    expect(first.subscribers).toHaveLength(2);
    const second = (await admin('GET', `/api/admin/subscribers?q=list-&limit=2&before=${first.nextBefore}`)).json();
    expect(second.subscribers.map((row: Row) => row.email)).toEqual(['list-one@example.org']);
  });

  it('treats % and _ in a search as plain characters', async () => {
    const response = (await admin('GET', '/api/admin/subscribers?q=%25')).json();
    expect(response.subscribers).toEqual([]);
  });
});

describe('export and erasure', () => {
  it('exports everything stored about one subscriber, deliveries included', async () => {
    const row = await subscriber('export@example.org', { topics: ['housing'], consentNote: 'paper form' });
    const [run] = await database.db.insert(digestRuns).values({ week: '2025-06-16', trigger: 'test' }).returning();
    await database.db.insert(deliveries).values([
      { runId: run!.id, subscriberId: row.id, week: '2025-06-16', status: 'sent', messageId: '<a@x>', subject: 'Week of 16 June' },
      { runId: run!.id, subscriberId: row.id, week: '2025-06-23', status: 'skipped', messageId: '<b@x>' },
    ]);
    const response = await admin('GET', `/api/admin/subscribers/${row.id}/export`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain(`subscriber-${row.id}.json`);
    const body = response.json();
    expect(body.subscriber).toMatchObject({ id: row.id, email: 'export@example.org', status: 'active', topics: ['housing'], consentNote: 'paper form' });
    expect(body.deliveries.map((delivery: { week: string; status: string }) => [delivery.week, delivery.status])).toEqual([
      ['2025-06-16', 'sent'],
      ['2025-06-23', 'skipped'],
    ]);
    expect((await admin('GET', '/api/admin/subscribers/999999/export')).statusCode).toBe(404);
  });

  it('erases the personal data, keeps the row and its delivery counts, and kills every link', async () => {
    const row = await subscriber('erase@example.org', { topics: ['housing'], keywords: ['my street'] });
    const [run] = await database.db.insert(digestRuns).values({ week: '2025-07-07', trigger: 'test' }).returning();
    await database.db.insert(deliveries).values({ runId: run!.id, subscriberId: row.id, week: '2025-07-07', status: 'sent', messageId: '<c@x>' });
    const links = subscriberLinks('', tokenSecret, row);

    const response = await admin('DELETE', `/api/admin/subscribers/${row.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: row.id, status: 'erased', deliveries: 1, suppressed: false });

    const [erased] = await database.db.select().from(subscribers).where(eq(subscribers.id, row.id));
    expect(erased).toMatchObject({ email: null, emailKey: null, topics: [], keywords: [], consentNote: null, status: 'erased', tokenVersion: row.tokenVersion + 1 });
    const [kept] = await database.db.select({ n: count() }).from(deliveries).where(eq(deliveries.subscriberId, row.id));
    expect(kept!.n).toBe(1);
    expect(JSON.stringify((await admin('GET', `/api/admin/subscribers/${row.id}/export`)).json())).not.toContain('erase@example.org');
    for (const link of [links.manage(), links.unsubscribe()]) expect((await app.inject({ method: 'GET', url: link })).statusCode).toBe(400);

    expect((await admin('DELETE', `/api/admin/subscribers/${row.id}`)).statusCode).toBe(200);
    expect((await admin('DELETE', '/api/admin/subscribers/999999')).statusCode).toBe(404);
  });

  it('can put the address on the suppression list as it erases it', async () => {
    const row = await subscriber('erase-and-block@example.org');
    const response = await admin('DELETE', `/api/admin/subscribers/${row.id}?suppress=true`);
    expect(response.json().suppressed).toBe(true);
    const listed = (await admin('GET', '/api/admin/suppressions?q=erase-and-block')).json();
    expect(listed.suppressions).toEqual([expect.objectContaining({ email: 'erase-and-block@example.org', reason: 'manual' })]);
  });
});

describe('suppressions', () => {
  it('adds (201), re-describes (200), lists and lifts (204) an address, keyed case- and IDN-insensitively', async () => {
    const added = await admin('POST', '/api/admin/suppressions', { email: 'Blocked@Bücher.example', note: 'asked by phone' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ email: 'blocked@xn--bcher-kva.example', reason: 'manual', note: 'asked by phone' });
    const again = await admin('POST', '/api/admin/suppressions', { email: 'blocked@xn--bcher-kva.example', reason: 'complaint' });
    expect(again.statusCode).toBe(200);
    expect(again.json().reason).toBe('complaint');
    expect((await admin('DELETE', `/api/admin/suppressions/${encodeURIComponent('BLOCKED@bücher.example')}`)).statusCode).toBe(204);
    expect((await admin('DELETE', `/api/admin/suppressions/${encodeURIComponent('blocked@bücher.example')}`)).statusCode).toBe(404);
  });

  it('refuses a malformed address with 400 naming the field', async () => {
    const response = await admin('POST', '/api/admin/suppressions', { email: 'nobody' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ path: 'body.email', message: expect.any(String) }]);
  });
});

