import { count } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/db/client.js';
import { meetings } from '../../../../src/db/schema/index.js';
import { seedCouncils } from '../../../../src/meetings/seed.js';
import { adminHeaders, createTestApp } from '../../../helpers/app.js';
import { createTestDatabase } from '../../../helpers/db.js';
import { fixturePage, type FixturePage } from '../../../helpers/fixtures.js';

let app: FastifyInstance;
let database: Database;

async function meetingCount() {
  const [row] = await database.db.select({ n: count() }).from(meetings);
  return row!.n;
}

function postText(body: string, headers: Record<string, string> = adminHeaders, url = '/api/admin/meetings') {
  return app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, payload: body });
}

function postJson(body: unknown) {
  return app.inject({ method: 'POST', url: '/api/admin/meetings', headers: adminHeaders, payload: body as object });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  app = await createTestApp(database);
});

describe('operator access', () => {
  it('refuses a request without a token with 401', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/topics' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });

  it('refuses a wrong token with 403', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/topics', headers: { authorization: 'Bearer not-the-token' } });
    expect(response.statusCode).toBe(403);
  });

  it('switches operator routes off with 503 when no ADMIN_TOKEN is set', async () => {
    const closed = await createTestApp(database, { ADMIN_TOKEN: '' });
    const response = await closed.inject({ method: 'GET', url: '/api/admin/topics', headers: adminHeaders });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.message).toMatch(/set ADMIN_TOKEN/);
  });
});

describe('POST /api/admin/meetings', () => {
  it('imports every fixture page sent as text/plain, with the right committee and date', async () => {
    const expected = {
      june: '2025-06-17T13:00:00.000Z',
      july: '2025-07-15T09:00:00.000Z',
      september: '2025-09-10T09:00:00.000Z',
      report: '2018-03-01T00:00:00.000Z',
    };
    for (const [key, startsAt] of Object.entries(expected)) {
      const response = await postText(fixturePage(key as FixturePage));
      expect(response.statusCode, key).toBe(201);
      expect(response.json().imported[0]).toMatchObject({ action: 'created', startsAt });
    }
    expect(await meetingCount()).toBe(4);
  });

  it('answers 200 and changes nothing when a page is sent again', async () => {
    const response = await postText(fixturePage('july'));
    expect(response.statusCode).toBe(200);
    expect(response.json().imported[0].action).toBe('unchanged');
    expect(await meetingCount()).toBe(4);
  });

  it('imports canonical JSON, one record or an array', async () => {
    const record = {
      council: 'Hertfordshire County Council',
      committee: 'Highways and Transport Cabinet Panel',
      startsAt: '2025-10-06T14:00:00+01:00',
      summary: 'The panel discussed bus service improvements and the road maintenance budget.',
      sections: [
        { heading: 'Bus Service Improvement Plan', blocks: [{ type: 'list', items: ['New routes in Stevenage', 'Fares capped at £2'] }] },
      ],
    };
    const response = await postJson([record]);
    expect(response.statusCode).toBe(201);
    expect(response.json().imported[0]).toMatchObject({ committee: 'Highways and Transport Cabinet Panel', sections: 1 });
    expect(response.json().imported[0].topics).toContain('transport');
  });

  it('answers 422 naming the fields of an invalid record, and writes nothing', async () => {
    const before = await meetingCount();
    const response = await postJson({ council: 'Hertfordshire County Council', startsAt: 'soon', sections: [{ blocks: [] }] });
    expect(response.statusCode).toBe(422);
    const { error } = response.json();
    expect(error.code).toBe('invalid_meeting');
    expect(error.fields.map((field: { path: string }) => field.path)).toEqual(
      expect.arrayContaining(['committee', 'startsAt', 'sections.0.heading']),
    );
    expect(await meetingCount()).toBe(before);
  });

  it('answers 422 for page text with no date, saying what it looked for', async () => {
    const response = await postText('Subscribe to updates\nYou\'ll receive weekly summaries about Hertfordshire Council every week.\nSummary\nThe panel met.');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.message).toMatch(/date/i);
  });

  it('answers 400 for malformed JSON and for an empty body', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/admin/meetings',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: '{"council": "Herts",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('bad_request');
    const empty = await postText('   ');
    expect(empty.statusCode).toBe(400);
  });

  it('answers 413 for a body over the limit and 415 for an unknown content type', async () => {
    const huge = await postText('x'.repeat(6 * 1024 * 1024));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const xml = await app.inject({
      method: 'POST',
      url: '/api/admin/meetings',
      headers: { ...adminHeaders, 'content-type': 'application/xml' },
      payload: '<meeting/>',
    });
    expect(xml.statusCode).toBe(415);
  });

  it('answers 400 for text Postgres cannot store (a NUL character), and writes nothing', async () => {
    const before = await meetingCount();
    const response = await postJson({
      council: 'Hertfordshire County Council',
      committee: 'Cabinet',
      startsAt: '2025-11-11T10:00:00Z',
      summary: 'Before\u0000after',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/NUL/);
    expect(await meetingCount()).toBe(before);
  });

  it('keeps markup in meeting text as text', async () => {
    const response = await postJson({
      council: 'Hertfordshire County Council',
      committee: 'Cabinet',
      title: '<script>alert(1)</script> Budget',
      startsAt: '2025-11-10T10:00:00Z',
      summary: '<img src=x onerror=alert(1)>',
    });
    expect(response.statusCode).toBe(201);
    const stored = await app.inject({ method: 'GET', url: `/api/meetings/${response.json().imported[0].id}` });
    expect(stored.json().title).toBe('<script>alert(1)</script> Budget');
    expect(stored.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('topic rules', () => {
  it('lets operators add a rule, and retagging applies it to stored meetings', async () => {
    const before = await app.inject({ method: 'GET', url: '/api/meetings?topic=environment&from=2025-01-01' });
    expect(before.json().meetings.map((meeting: { committee: { slug: string } }) => meeting.committee.slug)).not.toContain(
      'childrens-social-care-cabinet-panel',
    );
    const topics = (await app.inject({ method: 'GET', url: '/api/admin/topics', headers: adminHeaders })).json().topics;
    const environment = topics.find((topic: { slug: string }) => topic.slug === 'environment');
    const edited = await app.inject({
      method: 'PUT',
      url: '/api/admin/topics/environment',
      headers: adminHeaders,
      payload: { rules: [...environment.rules, { term: 'mill green museum', weight: 10 }] },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().rules).toContainEqual({ term: 'mill green museum', weight: 10 });

    const retag = await app.inject({ method: 'POST', url: '/api/admin/topics/retag', headers: adminHeaders });
    expect(retag.statusCode).toBe(200);
    expect(retag.json().meetings).toBeGreaterThanOrEqual(4);
    // The 17 June page mentions the museum's closure in its care leavers item.
    const after = await app.inject({ method: 'GET', url: '/api/meetings?topic=environment&from=2025-01-01' });
    const june = after.json().meetings.find((meeting: { startsAt: string }) => meeting.startsAt.startsWith('2025-06-17'));
    expect(june.sections.filter((section: { matched: boolean }) => section.matched).map((section: { heading: string }) => section.heading)).toEqual([
      'Education, Employment and Training Outcomes for Care Leavers',
    ]);
  });

  it('creates a new topic only with a name, and validates rules', async () => {
    const nameless = await app.inject({ method: 'PUT', url: '/api/admin/topics/libraries', headers: adminHeaders, payload: {} });
    expect(nameless.statusCode).toBe(422);
    const created = await app.inject({
      method: 'PUT',
      url: '/api/admin/topics/libraries',
      headers: adminHeaders,
      payload: { name: 'Libraries', description: 'Public libraries.', rules: [{ term: 'librar*', weight: 3 }] },
    });
    expect(created.statusCode).toBe(201);
    const duplicateTerms = await app.inject({
      method: 'PUT',
      url: '/api/admin/topics/libraries',
      headers: adminHeaders,
      payload: { rules: [{ term: 'book', weight: 1 }, { term: 'Book', weight: 2 }] },
    });
    expect(duplicateTerms.statusCode).toBe(400);
    expect(duplicateTerms.json().error.message).toMatch(/terms must be unique/);
    const badSlug = await app.inject({ method: 'PUT', url: '/api/admin/topics/Not%20A%20Slug', headers: adminHeaders, payload: { name: 'x' } });
    expect(badSlug.statusCode).toBe(400);
  });
});
