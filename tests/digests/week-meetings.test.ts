import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { digestEmail, feedDigestEmail, renderDigest, type MailSettings } from '../../src/digests/email.js';
import { buildDigest, createDigestBuilds } from '../../src/digests/select.js';
import { loadCatalogue } from '../../src/meetings/catalogue.js';
import { weekBounds } from '../../src/digests/week.js';
import { WeekMeetings } from '../../src/digests/week-meetings.js';
import type { Templates } from '../../src/mail/templates.js';
import { importRecords } from '../../src/meetings/import.js';
import { findMeetings, type MeetingFilter, type MeetingView } from '../../src/meetings/queries.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { filterKey, normaliseFilters, type FilterSet } from '../../src/subscribers/filters.js';
import { createTestDatabase } from '../helpers/db.js';
import { testTemplates } from '../helpers/templates.js';

/**
 * A run applies findMeetings' filter rule in memory (WeekMeetings) and
 * renders each digest once for all who get it. These hold both to the
 * reference: findMeetings' own answers, and a digest built and rendered from
 * them one recipient at a time.
 */

const zone = 'Europe/London';
const week = '2025-06-16';
const councils = ['Northshire County Council', 'Eastvale District Council', 'Westford Borough Council'];
const committees = ['Cabinet', 'Planning Committee', 'Children and Families Panel'];
const topics = ['housing', 'planning', 'transport', 'education', 'fostering-adoption', 'budget-finance'];
/** Words in the meetings, and forms Postgres stems to the same (or not): keywords to filter by. */
const words = ['bus lanes', 'foster carers', 'fostering', 'library', 'libraries', 'flood defences', 'school meals', 'council tax', '"bus lanes"', 'bus -lanes', 'the', 'carers or library', 'riverside'];

let database: Database;
let templates: Templates;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  const records = [];
  for (let index = 0; index < 24; index += 1) {
    const upcoming = index >= 18;
    const day = upcoming ? 7 + (index % 10) : index % 7;
    const pick = (list: string[], offset = 0) => list[(index + offset) % list.length]!;
    records.push({
      council: pick(councils),
      committee: pick(committees, Math.floor(index / 3)),
      status: upcoming ? 'scheduled' : index % 9 === 4 ? 'cancelled' : 'held',
      startsAt: new Date(Date.UTC(2025, 5, 16 + day, 9 + (index % 3), 0)).toISOString(),
      sources: { council: `https://council.example.org/meetings/${index}` },
      summary: `Members met about ${pick(words, 2)} and ${pick(words, 5)}.\n\nSpending of £${index}.5m was noted.`,
      topics: index % 4 === 0 ? [pick(topics)] : [],
      sections: [0, 1, 2].map((position) => ({
        heading: `${position + 1}. Item on ${pick(words, position * 3)}`,
        level: position === 2 ? 2 : 1,
        topics: (index + position) % 3 === 0 ? [pick(topics, position)] : [],
        blocks: [{ type: 'paragraph', text: `The panel discussed ${pick(words, position + 7)} with 3 options costed at £${position + 1}m.` }],
      })),
    });
  }
  await importRecords(database.db, records);
  templates = await testTemplates();
}, 60_000);

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const filterSets = fc.record({
  councils: fc.subarray([...councils.map(slug), 'hertfordshire-county-council', 'no-such-council'], { maxLength: 2 }),
  committees: fc.subarray([...committees.map(slug), 'childrens-social-care-cabinet-panel'], { maxLength: 2 }),
  topics: fc.subarray([...topics, 'children-looked-after', 'care-leavers'], { maxLength: 3 }),
  keywords: fc.subarray(words, { maxLength: 3 }),
});

async function allOf(filter: MeetingFilter): Promise<MeetingView[]> {
  const found: MeetingView[] = [];
  let cursor: string | undefined;
  do {
    const page = await findMeetings(database.db, filter, { limit: 5, cursor });
    found.push(...page.meetings);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

describe('a run’s meetings in memory', () => {
  it('select exactly what findMeetings selects, with the same matched flags, for any filter set', async () => {
    const { from, to } = weekBounds(week, zone);
    const ahead = new Date(to.getTime() + 14 * 86_400_000);
    const loaded = await WeekMeetings.load(database.db, { from, to, ahead });
    expect(loaded.held.views.length).toBeGreaterThan(10);
    expect(loaded.upcoming.views.length).toBeGreaterThan(3);
    await fc.assert(
      fc.asyncProperty(filterSets, async (filters) => {
        await loaded.learnKeywords(filters.keywords);
        const held = loaded.select(filters, 'held');
        const upcoming = loaded.select(filters, 'upcoming');
        expect(held).toEqual(await allOf({ ...filters, from, to }));
        expect(upcoming).toEqual(await allOf({ ...filters, from: to, to: ahead }));
      }),
      { numRuns: 150 },
    );
  });

  it('give equal selections the same objects, so what is built from them is built once', async () => {
    const { from, to } = weekBounds(week, zone);
    const loaded = await WeekMeetings.load(database.db, { from, to, ahead: to });
    await loaded.learnKeywords(['library', 'libraries']);
    const first = loaded.select({ keywords: ['library'] }, 'held');
    const again = loaded.select({ keywords: ['libraries'] }, 'held');
    expect(first.length).toBeGreaterThan(0);
    // Postgres stems both to one word: the same sections match, and the same objects come back.
    expect(again).toEqual(first);
    again.forEach((view, index) => expect(view).toBe(first[index]));
  });

  it('refuse a keyword that was not learnt, rather than match nothing', async () => {
    const { from, to } = weekBounds(week, zone);
    const loaded = await WeekMeetings.load(database.db, { from, to, ahead: to });
    expect(() => loaded.select({ keywords: ['never asked'] }, 'held')).toThrow(/not learnt/);
  });
});

describe('a run’s digest builds', () => {
  const settings: MailSettings = { baseUrl: 'https://digest.example.org', mailFrom: 'Council Digest <digest@news.example.org>', tokenSecret: 't'.repeat(40) };
  const subscriber = { email: 'anna+digest@example.org', publicId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', tokenVersion: 2 };
  const feed = { id: 7, publicId: '0b8f5e8e-3c1e-4b52-9a53-8f3f0f6f3b11', name: 'Housing & "Planning" <watch>', partnerName: 'Eastvale CVS' };

  it('render, for subscribers and feed recipients alike, byte for byte what one build and render per recipient gives, and send it so in a real run as in a dry one', async () => {
    const made = createDigestBuilds(database.db, { zone, templates, home: settings.baseUrl });
    const [dry, real] = await Promise.all([made.forRun({ id: 1, week, dryRun: true }), made.forRun({ id: 2, week, dryRun: false })]);
    const catalogue = await loadCatalogue(database.db);
    const now = new Date('2025-06-23T07:00:00Z');
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(filterSets, fc.boolean(), async (raw, forFeed) => {
        const filters: FilterSet = normaliseFilters(raw);
        await Promise.all([dry.learn([filters]), real.learn([filters])]);
        const content = await buildDigest(database.db, { week, zone, filters, catalogue });
        const email = content && (forFeed ? feedDigestEmail(settings, content, { ...subscriber, feed }, now) : digestEmail(settings, content, subscriber));
        const personal = email && { recipient: email.recipient, links: email.links };
        // The first recipient of a filter set gets a one-off render; from the second on it is prepared once and filled
        // (a real run's kept only encoded, so its render renders the whole again).
        const sent = [];
        for (const run of [dry, real]) {
          const first = run.digest(filters, filterKey(filters), forFeed ? feed : null);
          const kept = run.digest(filters, filterKey(filters), forFeed ? feed : null);
          expect(first?.content ?? null).toEqual(content);
          expect(kept?.content ?? null).toEqual(content);
          if (!email || !personal || !first || !kept) return;
          const expected = renderDigest(templates, email);
          expect(first.render(personal)).toEqual(expected);
          expect(kept.render(personal)).toEqual(expected);
          sent.push([first.send(personal), kept.send(personal)]);
        }
        // What a dry run's prepared digest sends reads in a mailbox as rendered (render.test.ts): a real run's sends the same bytes.
        expect(sent[1]).toEqual(sent[0]);
        expect(sent[0]![1]!.subject).toBe(renderDigest(templates, email!).subject);
        compared += 1;
      }),
      { numRuns: 60 },
    );
    expect(compared).toBeGreaterThan(10);
  });

  it("read a run's week and kind once per worker, and ask again for a run that was not found", async () => {
    const made = createDigestBuilds(database.db, { zone, templates, home: settings.baseUrl });
    let reads = 0;
    const read = (found: boolean) => async () => {
      reads += 1;
      return found ? { id: 7, week, dryRun: true, status: 'sending' as const } : undefined;
    };
    expect(await made.header(7, read(true))).toMatchObject({ id: 7, week, dryRun: true });
    expect(await made.header(7, read(true))).toEqual({ id: 7, week, dryRun: true });
    expect(reads).toBe(1);
    expect(await made.header(8, read(false))).toBeUndefined();
    expect(await made.header(8, read(false))).toBeUndefined();
    expect(reads).toBe(3);
  });

  it("let a run's builds go once the worker has had no batch of it for a while, and load them again for a late one", async () => {
    const made = createDigestBuilds(database.db, { zone, templates, home: settings.baseUrl, idleMs: 1000 });
    const run = await made.forRun({ id: 1, week, dryRun: false });
    // Batches keep coming: each use holds the builds for another idle period.
    for (let batch = 0; batch < 4; batch += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await made.forRun({ id: 1, week, dryRun: false })).toBe(run);
    }
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const again = await made.forRun({ id: 1, week, dryRun: false });
    expect(again).not.toBe(run);
    expect(again.run).toEqual(run.run);
  });

  it('are kept per run, and a filter set that several recipients share is rendered once more, then kept', async () => {
    const made = createDigestBuilds(database.db, { zone, templates, home: settings.baseUrl });
    const filters = normaliseFilters({ councils: [slug(councils[0]!)] });
    const run = await made.forRun({ id: 1, week, dryRun: false });
    expect(await made.forRun({ id: 1, week, dryRun: false })).toBe(run);
    expect(await made.forRun({ id: 2, week, dryRun: false })).not.toBe(run);
    const once = run.digest(filters, filterKey(filters), null);
    expect(once).not.toBeNull();
    // A one-off set is not kept; the second recipient's build is.
    const twice = run.digest(filters, filterKey(filters), null);
    expect(twice).not.toBe(once);
    expect(twice!.content).toEqual(once!.content);
    expect(run.digest(filters, filterKey(filters), null)).toBe(twice);
    expect(run.digest(filters, filterKey(filters), feed)).not.toBe(twice);
  });
});
