import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { meetings } from '../../../src/db/schema/index.js';
import { importRecords } from '../../../src/meetings/import.js';
import { seedDatabase } from '../../../src/harvest/seed.js';
import { adminHeaders, createTestApp } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { bearer, createPartner, importNorthHerts, northHertsCabinet, requestFeed } from '../../feeds/fixtures.js';

let app: FastifyInstance;
let database: Database;
let key: string;
let northHertsId: number;
let scriptMeetingId: number;

/** A week after the July panel: four weeks back reaches 22 June. */
const now = new Date('2025-07-20T12:00:00Z');

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['entry', 'link', 'category'].includes(name) });

function post(body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/api/partner/feeds', headers: bearer(key), payload: { name: 'Care leavers', ...body } });
}

async function items(feedId: string, query = 'since=2025-01-01') {
  const response = await app.inject({ method: 'GET', url: `/api/partner/feeds/${feedId}/items?${query}`, headers: bearer(key) });
  expect(response.statusCode).toBe(200);
  return response.json() as { meetings: { id: number; startsAt: string; council: { slug: string; calendarUrl: string }; committee: { slug: string; calendarUrl: string }; sections: { heading: string; matched: boolean }[] }[]; nextCursor: string | null };
}

const matchedHeadings = (meeting: { sections: { heading: string; matched: boolean }[] }) =>
  meeting.sections.filter((section) => section.matched).map((section) => section.heading);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  northHertsId = (await importNorthHerts(database.db)).id;
  const [scripted] = await importRecords(database.db, [
    {
      council: 'Hertfordshire County Council',
      committee: 'Cabinet',
      title: '<script>alert(1)</script> Care leavers offer',
      startsAt: '2025-07-01T10:00:00+01:00',
      summary: 'The cabinet refreshed the local offer for care leavers.',
    },
  ]);
  scriptMeetingId = scripted!.id;
  app = await createTestApp(database, { RECIPIENTS_PER_FEED: '3' }, { now: () => now });
  ({ key } = await createPartner(app, 'Herts Care Partnership'));
});

describe('asking for a feed', () => {
  it('answers 201 with status requested, the recipients pending, and a secret Atom URL', async () => {
    const response = await post({ topics: ['care-leavers'], recipients: ['Ann@Example.org', 'ann@example.org', 'bob@example.org'] });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.feed).toMatchObject({
      name: 'Care leavers',
      status: 'requested',
      filters: { councils: [], committees: [], topics: ['care-leavers'], keywords: [] },
      recipients: [
        { email: 'Ann@Example.org', status: 'pending' },
        { email: 'bob@example.org', status: 'pending' },
      ],
      decisionNote: null,
    });
    expect(body.feed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.atomUrl).toMatch(new RegExp(`^https://digest\\.example\\.org/feeds/${body.feed.id}/[A-Za-z0-9_-]{43}\\.atom$`));
  });

  it('previews what the filters matched over the last four weeks, across councils', async () => {
    const { preview } = await requestFeed(app, key, { topics: ['care-leavers'] });
    expect(preview).toMatchObject({ from: '2025-06-22T12:00:00.000Z', to: '2025-07-20T12:00:00.000Z' });
    expect(preview.examples.map((example) => example.title)).toEqual([
      '<script>alert(1)</script> Care leavers offer',
      'Cabinet, 8 July 2025',
      expect.stringContaining("Children's Social Care Cabinet Panel"),
    ]);
    expect(preview.meetings).toBe(3);
    expect(preview.examples[1]!.sections).toEqual(['Council Tax Exemption for Care Leavers']);
    expect(preview.examples[2]!.sections).toContain('Care Leavers');
    expect(preview.sections).toBe(preview.examples.reduce((total, example) => total + example.sections.length, 0));
  });

  it('answers 422 naming the valid topics and councils when one is unknown', async () => {
    const response = await post({ councils: ['hertfordshire', 'atlantis'], topics: ['potholes'] });
    expect(response.statusCode).toBe(422);
    const { error } = response.json();
    expect(error.code).toBe('unprocessable');
    expect(error.message).toMatch(/Unknown councils: atlantis\. Valid councils: .*hertfordshire/);
    expect(error.message).toMatch(/Unknown topics: potholes\. Valid topics: .*care-leavers/);
    expect(error.fields).toEqual([
      { path: 'body.councils', message: 'unknown: atlantis' },
      { path: 'body.topics', message: 'unknown: potholes' },
    ]);
  });

  it("answers 422 for a committee outside the chosen councils", async () => {
    const response = await post({ councils: ['north-herts'], committees: ['childrens-social-care-cabinet-panel'] });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.message).toMatch(/Unknown committees: childrens-social-care-cabinet-panel\. Valid committees: cabinet/);
  });

  it('answers 400 naming each bad field: an empty name, a bad address, a multi-line keyword', async () => {
    const response = await post({ name: ' ', recipients: ['ann@example.org', 'not an address'], keywords: ['care\nleavers'] });
    expect(response.statusCode).toBe(400);
    const paths = response.json().error.fields.map((field: { path: string }) => field.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.recipients.1', 'body.keywords.0']));
  });

  it('refuses more recipients than RECIPIENTS_PER_FEED', async () => {
    const response = await post({ recipients: ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org'] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/at most 3 recipients per feed/);
  });

  it('refuses a feed past FEEDS_PER_PARTNER with 409, and rejected feeds do not count', async () => {
    const limited = await createTestApp(database, { FEEDS_PER_PARTNER: '2' }, { now: () => now });
    const { key: other } = await createPartner(limited, `Busy Partner ${Date.now()}`);
    const first = await requestFeed(limited, other, { name: 'First' });
    await requestFeed(limited, other, { name: 'Second' });
    const refused = await limited.inject({ method: 'POST', url: '/api/partner/feeds', headers: bearer(other), payload: { name: 'One too many' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'limit_reached', message: expect.stringMatching(/already has 2 feeds/) });
    await limited.inject({ method: 'POST', url: `/api/admin/feed-requests/${first.feed.id}/reject`, headers: adminHeaders, payload: { note: 'Duplicate' } });
    expect((await requestFeed(limited, other, { name: 'Room again' })).feed.status).toBe('requested');
  });
});

describe('items', () => {
  it('match topics OR keywords, within the chosen councils', async () => {
    const { feed } = await requestFeed(app, key, { councils: ['hertfordshire'], topics: ['youth-justice'], keywords: ['"Household Support Fund"'] });
    const { meetings: found } = await items(feed.id);
    expect(found.map((meeting) => meeting.startsAt)).toEqual(['2025-06-17T13:00:00.000Z', '2025-09-10T09:00:00.000Z']);
    expect(matchedHeadings(found[0]!)).toEqual(['Hertfordshire Youth Justice Plan 2025-26']);
    expect(matchedHeadings(found[1]!)).toEqual(['Household Support Fund 7']);
  });

  it("leave out another council's meeting on the same topic when councils are chosen", async () => {
    const everywhere = await requestFeed(app, key, { topics: ['care-leavers'] });
    const hertsOnly = await requestFeed(app, key, { councils: ['hertfordshire'], topics: ['care-leavers'] });
    const all = (await items(everywhere.feed.id)).meetings.map((meeting) => meeting.id);
    const herts = (await items(hertsOnly.feed.id)).meetings;
    expect(all).toContain(northHertsId);
    expect(herts.map((meeting) => meeting.id)).not.toContain(northHertsId);
    expect(herts.every((meeting) => meeting.council.slug === 'hertfordshire')).toBe(true);
    expect(herts.length).toBe(all.length - 1);
    // Each meeting's council and committee carry their public calendar, as /api/meetings gives them.
    for (const meeting of herts) {
      expect(meeting.council.calendarUrl).toBe('https://digest.example.org/calendar/councils/hertfordshire.ics');
      expect(meeting.committee.calendarUrl).toBe(`https://digest.example.org/calendar/councils/hertfordshire/${meeting.committee.slug}.ics`);
    }
  });

  it('start at `since` and page with a cursor', async () => {
    const { feed } = await requestFeed(app, key, {});
    const first = await items(feed.id, 'since=2025-06-01&limit=2');
    expect(first.meetings).toHaveLength(2);
    const second = await items(feed.id, `since=2025-06-01&limit=2&cursor=${first.nextCursor}`);
    const ids = [...first.meetings, ...second.meetings].map((meeting) => meeting.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...first.meetings, ...second.meetings].every((meeting) => meeting.startsAt >= '2025-05-31T23:00:00.000Z')).toBe(true);
  });

  it('answer 400 for a bad since or cursor', async () => {
    const { feed } = await requestFeed(app, key, {});
    const since = await app.inject({ method: 'GET', url: `/api/partner/feeds/${feed.id}/items?since=yesterday`, headers: bearer(key) });
    expect(since.statusCode).toBe(400);
    const cursor = await app.inject({ method: 'GET', url: `/api/partner/feeds/${feed.id}/items?cursor=nonsense`, headers: bearer(key) });
    expect(cursor.statusCode).toBe(400);
  });
});

describe('the Atom feed', () => {
  let feedId: string;
  let atomPath: string;

  beforeAll(async () => {
    const created = await requestFeed(app, key, { name: 'Care leavers <everywhere>', topics: ['care-leavers'] });
    feedId = created.feed.id;
    atomPath = new URL(created.atomUrl).pathname;
  });

  it('answers 404 until the feed is approved', async () => {
    expect((await app.inject({ method: 'GET', url: atomPath })).statusCode).toBe(404);
    const approved = await app.inject({ method: 'POST', url: `/api/admin/feed-requests/${feedId}/approve`, headers: adminHeaders });
    expect(approved.statusCode).toBe(200);
  });

  it("is valid Atom: newest meeting first, stable tag: ids, updated from the meeting's publication stamps", async () => {
    const response = await app.inject({ method: 'GET', url: atomPath });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const { feed } = parser.parse(response.body);
    expect(feed.title).toBe('Care leavers <everywhere>');
    const ids: string[] = feed.entry.map((entry: { id: string }) => entry.id);
    expect(ids).toEqual(expect.arrayContaining([`tag:digest.example.org,2025:meeting/${northHertsId}`, `tag:digest.example.org,2025:meeting/${scriptMeetingId}`]));
    const published: string[] = feed.entry.map((entry: { published: string }) => entry.published);
    expect(published).toEqual([...published].sort().reverse());
    const northHerts = feed.entry.find((entry: { id: string }) => entry.id.endsWith(`/${northHertsId}`));
    const [stored] = await database.db.select({ changedAt: meetings.summaryChangedAt }).from(meetings).where(eq(meetings.id, northHertsId));
    expect(northHerts.updated).toBe(stored!.changedAt!.toISOString());
    expect(northHerts.link[0]['@_href']).toBe('https://www.north-herts.gov.uk/meetings/cabinet-2025-07-08');
    expect(parser.parse((await app.inject({ method: 'GET', url: atomPath })).body).feed.entry.map((entry: { id: string }) => entry.id)).toEqual(ids);
  });

  it('keeps an entry id when its meeting is re-imported, and moves its updated time only on a substantial change', async () => {
    const entryOf = async () =>
      parser.parse((await app.inject({ method: 'GET', url: atomPath })).body).feed.entry.find((entry: { id: string }) => entry.id.endsWith(`/${northHertsId}`));
    const before = await entryOf();
    const [outcome] = await importRecords(database.db, [{ ...northHertsCabinet, summary: `${northHertsCabinet.summary} Minutes were corrected.` }]);
    expect(outcome).toMatchObject({ id: northHertsId, action: 'updated' });
    const touched = await entryOf();
    expect(touched.id).toBe(before.id);
    expect(touched.updated).toBe(before.updated);
    const sections = northHertsCabinet.sections.map((section) => ({
      ...section,
      blocks: section.blocks.map((block) => ({ ...block, text: block.text.replace('10p', '20p') })),
    }));
    await importRecords(database.db, [{ ...northHertsCabinet, summary: `${northHertsCabinet.summary} Minutes were corrected.`, sections }]);
    const corrected = await entryOf();
    expect(corrected.id).toBe(before.id);
    expect(corrected.updated > before.updated).toBe(true);
  });

  it('escapes a <script> title', async () => {
    const { feed } = parser.parse((await app.inject({ method: 'GET', url: atomPath })).body);
    const entry = feed.entry.find((item: { id: string }) => item.id.endsWith(`/${scriptMeetingId}`));
    expect(entry.title['#text']).toBe('&lt;script&gt;alert(1)&lt;/script&gt; Care leavers offer');
  });

  it('answers 404 for a wrong token or an unknown feed', async () => {
    const wrongToken = atomPath.replace(/\/[^/]+\.atom$/, `/${'A'.repeat(43)}.atom`);
    expect((await app.inject({ method: 'GET', url: wrongToken })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: atomPath.replace(feedId, '00000000-0000-4000-8000-000000000000') })).statusCode).toBe(404);
  });

  it('moves to a new URL when the partner rotates the token; the old one answers 404', async () => {
    const rotated = await app.inject({ method: 'POST', url: `/api/partner/feeds/${feedId}/atom-token`, headers: bearer(key) });
    expect(rotated.statusCode).toBe(201);
    const fresh = new URL(rotated.json().atomUrl).pathname;
    expect(fresh).not.toBe(atomPath);
    expect((await app.inject({ method: 'GET', url: atomPath })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: fresh })).statusCode).toBe(200);
  });
});

describe('the partner rate limit', () => {
  it('answers 429 with Retry-After past PARTNER_RATE_LIMIT_PER_MINUTE, counting each partner apart and all its keys together', async () => {
    const limited = await createTestApp(database, { PARTNER_RATE_LIMIT_PER_MINUTE: '3' }, { now: () => now });
    const busy = await createPartner(limited, `Busy Partner ${Date.now()}`);
    const calm = await createPartner(limited, `Calm Partner ${Date.now()}`);
    const secondKey = await limited.inject({ method: 'POST', url: `/api/admin/partners/${busy.id}/keys`, headers: adminHeaders });
    expect(secondKey.statusCode).toBe(201);
    const list = (partnerKey: string) => limited.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(partnerKey) });

    for (let index = 0; index < 2; index += 1) expect((await list(busy.key)).statusCode).toBe(200);
    const third = await list(secondKey.json().key.key);
    expect(third.statusCode).toBe(200);
    expect(third.headers['x-ratelimit-remaining']).toBe('0');
    const refused = await list(busy.key);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^Too many requests for this partner \(3 a minute\): try again in \d+ (seconds?|minute)\.$/) } });
    expect((await list(calm.key)).statusCode).toBe(200);
    // A caller without a valid key is refused before it is counted: it cannot use up a partner's allowance.
    expect((await list('cdp_not-a-key')).statusCode).toBe(401);
  });
});
