import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../../src/harvest/seed.js';
import { createTestApp } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';

let app: FastifyInstance;

async function get(url: string) {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

beforeAll(async () => {
  const database = await createTestDatabase();
  await seedDatabase(database.db);
  app = await createTestApp(database);
});

describe('public read API', () => {
  it('lists councils with their committees', async () => {
    const { status, body } = await get('/api/councils');
    expect(status).toBe(200);
    expect(body.councils).toHaveLength(11);
    expect(body.councils).toContainEqual(
      expect.objectContaining({
        slug: 'hertfordshire',
        name: 'Hertfordshire County Council',
        calendarUrl: 'https://digest.example.org/calendar/councils/hertfordshire.ics',
        committees: expect.arrayContaining([
          {
            slug: 'childrens-social-care-cabinet-panel',
            name: "Children's Social Care Cabinet Panel",
            calendarUrl: 'https://digest.example.org/calendar/councils/hertfordshire/childrens-social-care-cabinet-panel.ics',
          },
          { slug: 'county-council', name: 'County Council', calendarUrl: 'https://digest.example.org/calendar/councils/hertfordshire/county-council.ics' },
        ]),
      }),
    );
  });

  it("gives each meeting's council and committee the address of its calendar feed, and the feeds answer as calendars", async () => {
    const { body } = await get('/api/meetings?from=2025-06-01&to=2025-09-30');
    const [first] = body.meetings as { council: { slug: string; calendarUrl: string }; committee: { slug: string; calendarUrl: string } }[];
    expect(first!.council.calendarUrl).toBe(`https://digest.example.org/calendar/councils/${first!.council.slug}.ics`);
    expect(first!.committee.calendarUrl).toBe(`https://digest.example.org/calendar/councils/${first!.council.slug}/${first!.committee.slug}.ics`);
    const one = await get(`/api/meetings/${(body.meetings[0] as { id: number }).id}`);
    expect(one.body.committee.calendarUrl).toBe(first!.committee.calendarUrl);
    for (const url of [first!.council.calendarUrl, first!.committee.calendarUrl]) {
      const feed = await app.inject({ method: 'GET', url: new URL(url).pathname });
      expect(feed.statusCode, url).toBe(200);
      expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    }
  });

  it('lists the twenty topics with names and descriptions', async () => {
    const { body } = await get('/api/topics');
    expect(body.topics).toHaveLength(20);
    expect(body.topics).toContainEqual(expect.objectContaining({ slug: 'care-leavers', name: expect.any(String), description: expect.any(String) }));
  });

  it('lists the meetings of a date range, oldest first', async () => {
    const { status, body } = await get('/api/meetings?from=2025-06-01&to=2025-09-30');
    expect(status).toBe(200);
    expect(body.meetings.map((meeting: { startsAt: string }) => meeting.startsAt)).toEqual([
      '2025-06-17T13:00:00.000Z',
      '2025-07-15T09:00:00.000Z',
      '2025-09-10T09:00:00.000Z',
    ]);
    expect(body.nextCursor).toBeNull();
  });

  it('includes the whole of the "to" day', async () => {
    const { body } = await get('/api/meetings?from=2025-09-10&to=2025-09-10');
    expect(body.meetings).toHaveLength(1);
  });

  it('marks the sections that match a topic and leaves out meetings with none', async () => {
    const { body } = await get('/api/meetings?topic=youth-justice&from=2025-01-01');
    expect(body.meetings).toHaveLength(1);
    const [meeting] = body.meetings;
    const matched = meeting.sections.filter((section: { matched: boolean }) => section.matched);
    expect(matched.map((section: { heading: string }) => section.heading)).toEqual(['Hertfordshire Youth Justice Plan 2025-26']);
  });

  it('widens topics with keywords: a section matching either is listed', async () => {
    const topicOnly = await get('/api/meetings?topic=youth-justice&from=2025-01-01');
    const both = await get('/api/meetings?topic=youth-justice&q=%22Household%20Support%20Fund%22&from=2025-01-01');
    expect(both.body.meetings.length).toBeGreaterThan(topicOnly.body.meetings.length);
    const september = both.body.meetings.find((meeting: { startsAt: string }) => meeting.startsAt.startsWith('2025-09-10'));
    expect(september.sections.filter((section: { matched: boolean }) => section.matched).map((section: { heading: string }) => section.heading)).toContain(
      'Household Support Fund 7',
    );
  });

  it('narrows by committee', async () => {
    const { body } = await get('/api/meetings?committee=county-council');
    expect(body.meetings.map((meeting: { kind: string }) => meeting.kind)).toEqual(['report']);
  });

  it('pages with an opaque cursor', async () => {
    const first = await get('/api/meetings?limit=2');
    expect(first.body.meetings).toHaveLength(2);
    const second = await get(`/api/meetings?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.meetings).toHaveLength(2);
    const ids = [...first.body.meetings, ...second.body.meetings].map((meeting: { id: number }) => meeting.id);
    expect(new Set(ids).size).toBe(4);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 422 naming the valid topics when a topic is unknown', async () => {
    const { status, body } = await get('/api/meetings?topic=potholes');
    expect(status).toBe(422);
    expect(body.error.code).toBe('unprocessable');
    expect(body.error.message).toMatch(/Unknown topic: potholes\. Valid topic: .*care-leavers/);
  });

  it('answers 400 in the error shape for a bad date or cursor', async () => {
    const badDate = await get('/api/meetings?from=last-week');
    expect(badDate.status).toBe(400);
    expect(badDate.body.error).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining({ path: 'querystring.from' })] });
    const badCursor = await get('/api/meetings?cursor=nonsense');
    expect(badCursor.status).toBe(400);
  });

  it('keeps SQL metacharacters in a search harmless', async () => {
    const { status, body } = await get(`/api/meetings?q=${encodeURIComponent("'; drop table meetings; --")}`);
    expect(status).toBe(200);
    expect(body.meetings).toEqual([]);
    expect((await get('/api/meetings')).body.meetings).toHaveLength(4);
  });

  it('shows one meeting, or a 404 in the error shape', async () => {
    const { body } = await get('/api/meetings?limit=1');
    const one = await get(`/api/meetings/${body.meetings[0].id}`);
    expect(one.body.title).toBe(body.meetings[0].title);
    const missing = await get('/api/meetings/999999');
    expect(missing).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'No meeting 999999' } } });
  });

  it('answers unknown routes with a 404 in the error shape', async () => {
    expect(await get('/api/nothing-here')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'No route for GET /api/nothing-here' } },
    });
  });
});

describe('operations', () => {
  it('is healthy and ready when Postgres answers', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.postgres).toBe('ok');
  });

  it('publishes an OpenAPI document covering the public and operator routes', async () => {
    const { status, body } = await get('/docs/json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/councils', '/api/topics', '/api/meetings', '/api/admin/meetings', '/api/admin/topics/{slug}']),
    );
    expect(body.paths['/api/meetings'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'council', 'committee', 'topic', 'q']),
    );
  });
});
