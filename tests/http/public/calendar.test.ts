import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { importRecords } from '../../../src/meetings/import.js';
import type { MeetingInput } from '../../../src/meetings/schema.js';
import { seedCouncils } from '../../../src/meetings/seed.js';
import { subscriberLinks } from '../../../src/subscribers/links.js';
import { createTestApp, tokenSecret } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { parseCalendar } from '../../helpers/ical.js';
import { addSubscriber } from '../../helpers/subscribers.js';

let database: Database;
let app: FastifyInstance;
const now = new Date('2026-03-01T12:00:00Z');

const council = 'Hertfordshire County Council';
function meeting(committee: string, startsAt: string, extra: Partial<MeetingInput> = {}): MeetingInput {
  return { council, committee, status: 'scheduled', startsAt, sections: [{ heading: 'Apologies', number: '1.' }], ...extra };
}
const planning = meeting('Development Control Committee', '2026-03-10T10:00:00Z', {
  location: 'Council Chamber, County Hall, Hertford',
  sources: { council: 'https://democracy.hertfordshire.gov.uk/ieListDocuments.aspx?MId=9001' },
  sections: [{ heading: 'Minerals and waste applications', number: '3.', agenda: [{ type: 'paragraph', text: 'Application for a new quarry' }] }],
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const paths = (row: Parameters<typeof subscriberLinks>[2]) => subscriberLinks('', tokenSecret, row, now);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  await importRecords(database.db, [
    planning,
    meeting('Cabinet', '2026-04-14T13:00:00Z'),
    meeting('Cabinet', '2026-01-05T10:00:00Z'),
    meeting('Cabinet', '2026-07-01T10:00:00Z'),
    { ...meeting('Planning Committee', '2026-03-12T18:30:00Z'), council: 'Dacorum Borough Council' },
  ]);
  app = await createTestApp(database, {}, { now: () => now });
});

describe('public calendar feeds', () => {
  it("serves a council's meetings from 2 weeks back to 12 weeks ahead as text/calendar, read back by ical.js", async () => {
    const response = await get('/calendar/councils/hertfordshire.ics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    const { name, events } = parseCalendar(response.body);
    expect(name).toBe('Hertfordshire County Council meetings');
    expect(events.map((event) => [event.summary, event.start])).toEqual([
      ['Development Control Committee, Hertfordshire County Council', new Date('2026-03-10T10:00:00Z')],
      ['Cabinet, Hertfordshire County Council', new Date('2026-04-14T13:00:00Z')],
    ]);
    expect(events[0]).toMatchObject({
      location: 'Council Chamber, County Hall, Hertford',
      url: 'https://democracy.hertfordshire.gov.uk/ieListDocuments.aspx?MId=9001',
      sequence: 0,
      end: new Date('2026-03-10T12:00:00Z'),
    });
    expect(events[0]!.description).toContain('3. Minerals and waste applications');
    // 14 April is in BST: 14:00 in London.
    expect(response.body).toContain('DTSTART;TZID=Europe/London:20260414T140000');
  });

  it("serves one committee's meetings by the slugs /api/meetings uses", async () => {
    const response = await get('/calendar/councils/hertfordshire/cabinet.ics');
    expect(response.statusCode).toBe(200);
    const { name, events } = parseCalendar(response.body);
    expect(name).toBe('Cabinet, Hertfordshire County Council');
    expect(events.map((event) => event.start)).toEqual([new Date('2026-04-14T13:00:00Z')]);
  });

  it('answers an unknown council or committee, or a path without .ics, 404 in the error shape', async () => {
    for (const url of ['/calendar/councils/atlantis.ics', '/calendar/councils/hertfordshire/no-such-panel.ics', '/calendar/councils/hertfordshire']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('answers 304 to If-None-Match on an unchanged feed, and 200 with a new ETag once a meeting moves', async () => {
    const url = '/calendar/councils/hertfordshire/development-control-committee.ics';
    const first = await get(url);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    expect((await get(url, { 'if-none-match': etag })).statusCode).toBe(304);

    await importRecords(database.db, [{ ...planning, startsAt: '2026-03-11T14:00:00Z' }]);
    const moved = await get(url, { 'if-none-match': etag });
    expect(moved.statusCode).toBe(200);
    const [event] = parseCalendar(moved.body).events;
    expect(event).toMatchObject({ uid: parseCalendar(first.body).events[0]!.uid, sequence: 1, start: new Date('2026-03-11T14:00:00Z') });
  });

  it('keeps a cancelled meeting with STATUS:CANCELLED and a higher sequence', async () => {
    await importRecords(database.db, [{ ...meeting('Cabinet', '2026-04-14T13:00:00Z'), status: 'cancelled' }]);
    const { events } = parseCalendar((await get('/calendar/councils/hertfordshire/cabinet.ics')).body);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'CANCELLED', sequence: 1 });
  });
});

describe("a subscriber's own calendar", () => {
  it("holds the meetings their filters select, on a private, signed .ics link", async () => {
    const row = await addSubscriber(database.db, { filters: { councils: ['dacorum'] } });
    const url = paths(row).calendar();
    expect(url).toMatch(/^\/calendar\/[\w-]+\.[\w-]+\.ics$/);
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, max-age=3600');
    expect(parseCalendar(response.body).events.map((event) => event.summary)).toEqual(['Planning Committee, Dacorum Borough Council']);
  });

  it('selects by topic and keyword as digests do', async () => {
    const row = await addSubscriber(database.db, { filters: { keywords: ['quarry'] } });
    const { events } = parseCalendar((await get(paths(row).calendar())).body);
    expect(events.map((event) => event.summary)).toEqual(['Development Control Committee, Hertfordshire County Council']);
  });

  it('answers 410 Gone once the subscriber has unsubscribed', async () => {
    const row = await addSubscriber(database.db, { filters: { councils: ['dacorum'] } });
    const url = paths(row).calendar();
    expect((await get(url)).statusCode).toBe(200);
    const unsubscribed = await app.inject({
      method: 'POST',
      url: paths(row).unsubscribe(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.statusCode).toBe(200);
    const gone = await get(url);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ error: { code: 'gone' } });
  });

  it('answers a damaged or forged link as every other link is answered, and a link for something else likewise', async () => {
    const row = await addSubscriber(database.db);
    const good = paths(row).calendar();
    const forged = good.replace(/\.([\w-])([\w-]*)\.ics$/, (_all, first: string, rest: string) => `.${first === 'A' ? 'B' : 'A'}${rest}.ics`);
    expect((await get(forged)).statusCode).toBe(400);
    expect((await get('/calendar/not-a-token.ics')).statusCode).toBe(400);
    const manage = paths(row).manage().replace('/preferences/', '/calendar/');
    expect((await get(`${manage}.ics`)).statusCode).toBe(400);
  });
});
