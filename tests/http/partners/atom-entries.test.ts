import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { atomEntryLimit, atomMeetings } from '../../../src/feeds/items.js';
import { importRecords } from '../../../src/meetings/import.js';
import { seedCouncils } from '../../../src/meetings/seed.js';
import { slugify } from '../../../src/meetings/names.js';
import { normaliseFilters } from '../../../src/subscribers/filters.js';
import { adminHeaders, createTestApp } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { createPartner, requestFeed } from '../../feeds/fixtures.js';

/**
 * Which meetings an Atom feed carries: the newest 50 that match, whatever
 * their age, so a committee that meets twice a year still fills a reader.
 */

let database: Database;
let app: FastifyInstance;
const now = new Date('2026-03-02T12:00:00Z');
const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' });

/** A licensing sub-committee that met every fortnight from June 2023: 60 sittings, all before `now`. */
const sittings = Array.from({ length: 60 }, (_, index) => new Date(Date.UTC(2023, 5, 7) + index * 14 * 86_400_000));
const quietAppeals = [new Date('2023-05-17T10:00:00Z'), new Date('2024-11-20T10:00:00Z')];
const licensing = 'Licensing Sub-Committee';
const appeals = 'School Transport Appeals Panel';

function record(committee: string, startsAt: Date, status: 'held' | 'scheduled' = 'held') {
  return {
    council: 'Hertfordshire County Council',
    committee,
    status,
    startsAt: startsAt.toISOString(),
    summary: `The ${committee} met on ${startsAt.toISOString().slice(0, 10)}.`,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  await importRecords(database.db, [
    ...sittings.map((startsAt) => record(licensing, startsAt)),
    ...quietAppeals.map((startsAt) => record(appeals, startsAt)),
    record(appeals, new Date('2026-06-10T10:00:00Z'), 'scheduled'),
  ]);
  app = await createTestApp(database, {}, { now: () => now });
});

const committeeFilter = (name: string) => normaliseFilters({ committees: [slugify(name)] });

describe('the meetings in a feed', () => {
  it("keeps a quiet committee's meetings however old they are, newest first", async () => {
    const entries = await atomMeetings(database.db, committeeFilter(appeals), now);
    expect(entries.map((entry) => entry.meeting.startsAt)).toEqual(['2024-11-20T10:00:00.000Z', '2023-05-17T10:00:00.000Z']);
  });

  it('keeps the newest 50 of a busy committee, dropping the oldest', async () => {
    const entries = await atomMeetings(database.db, committeeFilter(licensing), now);
    expect(entries).toHaveLength(atomEntryLimit);
    const expected = [...sittings].reverse().slice(0, atomEntryLimit).map((date) => date.toISOString());
    expect(entries.map((entry) => entry.meeting.startsAt)).toEqual(expected);
  });

  it('leaves out meetings that have not started yet', async () => {
    const entries = await atomMeetings(database.db, committeeFilter(appeals), now);
    expect(entries.every((entry) => new Date(entry.meeting.startsAt) < now)).toBe(true);
  });
});

describe('GET /feeds/:id/:token.atom', () => {
  it("serves a feed on a committee that last met over a year ago, not a blank one", async () => {
    const { key } = await createPartner(app, 'School Transport Forum');
    const created = await requestFeed(app, key, { name: 'Transport appeals', committees: [committeeFilter(appeals).committees[0]] });
    const approved = await app.inject({ method: 'POST', url: `/api/admin/feed-requests/${created.feed.id}/approve`, headers: adminHeaders });
    expect(approved.statusCode).toBe(200);
    const response = await app.inject({ method: 'GET', url: new URL(created.atomUrl).pathname });
    expect(response.statusCode).toBe(200);
    const { feed } = parser.parse(response.body);
    expect(feed.entry.map((entry: { published: string }) => entry.published)).toEqual(['2024-11-20T10:00:00.000Z', '2023-05-17T10:00:00.000Z']);
  });
});
