import { count, eq, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/db/client.js';
import { subscribers, suppressions } from '../../../../src/db/schema/index.js';
import { seedDatabase } from '../../../../src/harvest/seed.js';
import { filterKey } from '../../../../src/subscribers/filters.js';
import { adminHeaders, createTestApp } from '../../../helpers/app.js';
import { createTestDatabase } from '../../../helpers/db.js';

let app: FastifyInstance;
let database: Database;

function upload(contentType: string, payload: string, query = '') {
  return app.inject({
    method: 'POST',
    url: `/api/admin/subscribers/import${query}`,
    headers: { ...adminHeaders, 'content-type': contentType },
    payload,
  });
}

async function rowFor(emailKey: string) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.emailKey, emailKey));
  return row;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  app = await createTestApp(database);
});

describe('POST /api/admin/subscribers/import', () => {
  it('imports CSV rows as active subscribers and rejects bad rows with their reasons', async () => {
    const csv = [
      'email,councils,topics,keywords,note',
      'csv-one@example.org,hertfordshire,housing;transport,bus lanes,',
      '"Csv-Two@Example.org",,care-leavers,,met at library',
      'not-an-address,,,,',
      'csv-three@example.org,,made-up-topic,,',
      'csv-four@example.org,extra,,,,',
      'csv-one@example.org,,,,',
    ].join('\n');
    const response = await upload('text/csv', csv, '?note=council%20newsletter%20list');
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0, rejectedCount: 4 });
    expect(report.rejected).toEqual([
      { row: 3, email: 'not-an-address', reason: expect.stringContaining('email:') },
      { row: 4, email: 'csv-three@example.org', reason: 'unknown topics: made-up-topic' },
      { row: 5, reason: 'has 6 fields; the header has 5' },
      { row: 6, email: 'csv-one@example.org', reason: 'the same address as row 1' },
    ]);
    expect(await rowFor('csv-one@example.org')).toMatchObject({
      status: 'active',
      councils: ['hertfordshire'],
      topics: ['housing', 'transport'],
      keywords: ['bus lanes'],
      consentSource: 'import',
      consentNote: 'council newsletter list',
    });
    expect((await rowFor('csv-two@example.org'))!.consentNote).toBe('met at library');
    expect((await rowFor('csv-one@example.org'))!.confirmedAt).toBeInstanceOf(Date);
  });

  it('imports a JSON array, updating known subscribers and never re-subscribing those who left', async () => {
    const filters = { topics: ['housing'] };
    await database.db.insert(subscribers).values([
      { email: 'json-pending@example.org', emailKey: 'json-pending@example.org', status: 'pending', filterKey: filterKey({}) },
      { email: 'json-paused@example.org', emailKey: 'json-paused@example.org', status: 'paused', filterKey: filterKey({}) },
      { email: 'json-same@example.org', emailKey: 'json-same@example.org', status: 'active', ...filters, filterKey: filterKey(filters) },
      { email: 'json-left@example.org', emailKey: 'json-left@example.org', status: 'unsubscribed', filterKey: filterKey({}) },
    ]);
    await database.db.insert(suppressions).values({ emailKey: 'json-bounced@example.org', reason: 'hard_bounce' });
    const body = JSON.stringify([
      { email: 'json-new@example.org', topics: ['education'], keywords: ['school "run", [sic]'] },
      { email: 'json-pending@example.org', topics: 'housing;transport' },
      { email: 'json-paused@example.org', councils: ['hertfordshire'] },
      { email: 'json-same@example.org', topics: ['housing'] },
      { email: 'json-left@example.org' },
      { email: 'json-bounced@example.org' },
      { email: 'json-extra@example.org', colour: 'blue' },
      'not an object',
    ]);
    const report = (await upload('application/json', body)).json();
    expect(report).toMatchObject({ created: 1, updated: 2, unchanged: 1, rejectedCount: 4 });
    expect(report.rejected.map((rejection: { row: number; reason: string }) => [rejection.row, rejection.reason])).toEqual([
      [5, 'the address unsubscribed; an import never re-subscribes anyone'],
      [6, 'the address is on the suppression list'],
      [7, 'unknown field colour'],
      [8, 'is not an object like {"email": "..."}'],
    ]);
    expect(await rowFor('json-new@example.org')).toMatchObject({ status: 'active', keywords: ['school "run", [sic]'] });
    expect(await rowFor('json-pending@example.org')).toMatchObject({ status: 'active', topics: ['housing', 'transport'], consentSource: 'import' });
    expect(await rowFor('json-paused@example.org')).toMatchObject({ status: 'paused', councils: ['hertfordshire'] });
    expect(await rowFor('json-left@example.org')).toMatchObject({ status: 'unsubscribed' });
    expect(await rowFor('json-bounced@example.org')).toBeUndefined();
  });

  it('accepts NDJSON, one subscriber a line', async () => {
    const report = (await upload('application/x-ndjson', '{"email":"nd-one@example.org"}\n\n{"email":"nd-two@example.org","topics":["housing"]}\n{broken\n')).json();
    expect(report).toMatchObject({ created: 2, rejectedCount: 1, rejected: [{ row: 3, reason: expect.stringContaining('not valid JSON') }] });
  });

  it.each([
    ['a JSON body that is not an array', 'application/json', '{"email":"x@example.org"}', 'must be an array'],
    ['a JSON array cut short', 'application/json', '[{"email":"cut-1@example.org"},{"email":"cut-2@exa', 'not closed'],
    ['a CSV with an unknown column', 'text/csv', 'email,colour\ncut-3@example.org,blue\n', 'Unknown CSV column "colour"'],
    ['a CSV with no email column', 'text/csv', 'topics\nhousing\n', 'no "email" column'],
    ['a CSV with an unclosed quote', 'text/csv', 'email\ncut-4@example.org\n"cut-5@example.org\n', 'Not readable as CSV'],
  ])('rejects %s with 400 and imports nothing', async (_name, type, body, message) => {
    const response = await upload(type, body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(message);
    expect(response.json().error.message).toContain('nothing was imported');
    const [cut] = await database.db.select({ n: count() }).from(subscribers).where(like(subscribers.emailKey, 'cut-%'));
    expect(cut!.n).toBe(0);
  });

  it('answers 415 for a body that is neither CSV nor JSON', async () => {
    const response = await upload('text/plain', 'email\nx@example.org\n');
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });

  it('answers 413 for a body over the limit before reading it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/admin/subscribers/import',
      headers: { ...adminHeaders, 'content-type': 'text/csv', 'content-length': String(200 * 1024 * 1024) },
      payload: 'email\n',
    });
    expect(response.statusCode).toBe(413);
  });

  it('imports 20,000 CSV rows in one request', async () => {
    const lines = ['email,topics'];
    for (let index = 0; index < 20_000; index += 1) lines.push(`bulk-${index}@example.org,${index % 2 ? 'housing' : 'education;transport'}`);
    lines.push('bulk-broken,housing');
    const csv = lines.join('\n');

    const first = await upload('text/csv', csv);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: 20_000, updated: 0, unchanged: 0, rejectedCount: 1 });
    const [stored] = await database.db.select({ n: count() }).from(subscribers).where(like(subscribers.emailKey, 'bulk-%'));
    expect(stored!.n).toBe(20_000);
  });
});
