import { readFileSync } from 'node:fs';
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { attendees, committees, councils, documents, meetings, sections } from '../../src/db/schema/index.js';
import { ImportError } from '../../src/meetings/errors.js';
import { importRecords, recordsFromText } from '../../src/meetings/import.js';
import { findMeetings } from '../../src/meetings/queries.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { fixturePage } from '../helpers/fixtures.js';

let database: Database;

async function rowCounts() {
  const { db } = database;
  const [m, s, a, d, c] = await Promise.all(
    [meetings, sections, attendees, documents, committees].map((table) => db.select({ n: count() }).from(table)),
  );
  return { meetings: m![0]!.n, sections: s![0]!.n, attendees: a![0]!.n, documents: d![0]!.n, committees: c![0]!.n };
}

function seedJson(name: string) {
  return JSON.parse(readFileSync(new URL(`../../seeds/meetings/${name}`, import.meta.url), 'utf8'));
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
});

describe('the meeting store', () => {
  it('imports the 17 June page with its committee, time, sections, footnotes and topics', async () => {
    const [outcome] = await importRecords(database.db, recordsFromText(fixturePage('june')));
    expect(outcome).toMatchObject({
      action: 'created',
      committee: "Children's Social Care Cabinet Panel",
      startsAt: '2025-06-17T13:00:00.000Z',
      sections: 2,
    });
    expect(outcome!.topics).toEqual(expect.arrayContaining(['care-leavers', 'youth-justice']));
    const { meetings: [view] } = await findMeetings(database.db, { from: new Date('2025-06-16'), to: new Date('2025-06-18') });
    expect(view!.sections.map((section) => section.heading)).toEqual([
      'Education, Employment and Training Outcomes for Care Leavers',
      'Hertfordshire Youth Justice Plan 2025-26',
    ]);
    expect(view!.sections[0]!.topics).toContain('care-leavers');
    expect(view!.sections[1]!.topics).toContain('youth-justice');
    expect(view!.footnotes.map((footnote) => footnote.number)).toEqual([1, 2, 3]);
    expect(view!.decisions.length).toBeGreaterThan(0);
  });

  it('files the 15 July page, which has no title line, under the same committee despite "Childrens"', async () => {
    const before = await rowCounts();
    const [outcome] = await importRecords(database.db, recordsFromText(fixturePage('july')));
    expect(outcome).toMatchObject({
      action: 'created',
      committee: "Children's Social Care Cabinet Panel",
      startsAt: '2025-07-15T09:00:00.000Z',
      sections: 7,
    });
    const after = await rowCounts();
    expect(after.committees).toBe(before.committees);
    const [view] = (await findMeetings(database.db, { from: new Date('2025-07-15'), to: new Date('2025-07-16') })).meetings;
    expect(view!.attendees).toHaveLength(11);
    expect(view!.attendees).toContainEqual({ name: 'Nigel Bell', role: 'Leader, Labour Group', party: 'Labour' });
    expect(view!.documents.filter((document) => document.category === 'Additional Documents')).toHaveLength(5);
    expect(view!.sections.filter((section) => section.level === 2).map((section) => section.heading)).toEqual([
      'Children Looked After',
      'Care Leavers',
      'Placement Stability',
      'Special Guardianship Orders and Adoption',
      'Child Protection Plans',
    ]);
  });

  it('imports the executive-member report as a report with its referenced Cabinet decisions', async () => {
    const [outcome] = await importRecords(database.db, recordsFromText(fixturePage('report')));
    expect(outcome).toMatchObject({ action: 'created', committee: 'County Council' });
    const [view] = (await findMeetings(database.db, { from: new Date('2018-01-01'), to: new Date('2018-12-31') })).meetings;
    expect(view!.kind).toBe('report');
    expect(view!.decisions.map((decision) => decision.reference)).toEqual(['A003/18', 'A055/17', 'A020/18']);
    expect(view!.decisions.map((decision) => decision.status)).toEqual(['made', 'consequence', 'anticipated']);
  });

  it('updates rather than duplicates when the same page is imported again', async () => {
    const before = await rowCounts();
    const [again] = await importRecords(database.db, recordsFromText(fixturePage('june')));
    expect(again!.action).toBe('unchanged');
    expect(await rowCounts()).toEqual(before);
  });

  it('replaces a meeting\'s sections when its content changes', async () => {
    const page = fixturePage('september');
    const [first] = await importRecords(database.db, recordsFromText(page));
    const edited = page.replace('Household Support Fund 7\n', 'Household Support Fund 7 Spending Plan\n');
    const [second] = await importRecords(database.db, recordsFromText(edited));
    expect(second).toMatchObject({ id: first!.id, action: 'updated' });
    const headings = await database.db.select({ heading: sections.heading }).from(sections).where(eq(sections.meetingId, first!.id));
    expect(headings.map((row) => row.heading)).toContain('Household Support Fund 7 Spending Plan');
    expect(headings.map((row) => row.heading)).not.toContain('Household Support Fund 7');
  });

  it('treats the same council page URL as the same meeting even when its time was corrected', async () => {
    const record = {
      council: 'Hertfordshire County Council',
      committee: 'Highways and Transport Cabinet Panel',
      startsAt: '2025-10-01T10:00:00+01:00',
      sources: { council: 'https://democracy.example.gov.uk/meeting/42' },
      summary: 'Bus services and road maintenance.',
    };
    const [first] = await importRecords(database.db, [record]);
    const [second] = await importRecords(database.db, [{ ...record, startsAt: '2025-10-01T14:00:00+01:00' }]);
    expect(second).toMatchObject({ id: first!.id, action: 'updated', startsAt: '2025-10-01T13:00:00.000Z' });
  });

  it('stores one meeting when the same new meeting is imported twice at once', async () => {
    const record = {
      council: 'Hertfordshire County Council',
      committee: 'Audit Committee',
      startsAt: '2025-11-03T10:00:00Z',
      summary: 'Annual accounts.',
    };
    const outcomes = await Promise.all([importRecords(database.db, [record]), importRecords(database.db, [record])]);
    expect(outcomes[0]![0]!.id).toBe(outcomes[1]![0]!.id);
  });

  it('writes nothing when any record of a batch is invalid, and names the field', async () => {
    const before = await rowCounts();
    const good = { council: 'Hertfordshire County Council', committee: 'Pensions Committee', startsAt: '2025-12-01T10:00:00Z' };
    const bad = { council: 'Hertfordshire County Council', committee: 'Pensions Committee', startsAt: 'next Tuesday' };
    const attempt = importRecords(database.db, [good, bad]);
    await expect(attempt).rejects.toBeInstanceOf(ImportError);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(/^Record 2 of 2: .*startsAt/),
      issues: [expect.objectContaining({ path: '[1].startsAt' })],
    });
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses topics that are not in the taxonomy and lists the valid ones', async () => {
    const record = { council: 'Hertfordshire County Council', committee: 'Cabinet', startsAt: '2025-12-02T10:00:00Z', topics: ['potholes'] };
    await expect(importRecords(database.db, [record])).rejects.toThrow(/Unknown topics: potholes\. Valid topics: .*care-leavers/);
  });

  it('keeps topics given in a record instead of the tagger\'s', async () => {
    const [outcome] = await importRecords(database.db, [
      {
        council: 'Hertfordshire County Council',
        committee: 'Cabinet',
        startsAt: '2025-12-03T10:00:00Z',
        topics: ['transport'],
        sections: [{ heading: 'Care leavers', blocks: [{ type: 'paragraph', text: 'Care leavers and fostering.' }], topics: ['transport'] }],
      },
    ]);
    expect(outcome!.topics).toEqual(['transport']);
  });

  it('rejects text that is neither a page nor a report with a clear message', () => {
    expect(() => recordsFromText('hello world')).toThrow(ImportError);
    expect(() => recordsFromText('{"council": ')).toThrow(/not valid JSON/);
  });

  it('seeds the project records onto the meetings the pages created, and again changes nothing', async () => {
    const before = await rowCounts();
    const first = await seedDatabase(database.db);
    expect(first.meetings).toHaveLength(4);
    // Our records describe the same four meetings the pages did: same committee and start.
    expect(first.meetings.map((outcome) => outcome.action)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect((await rowCounts()).meetings).toBe(before.meetings);
    const second = await seedDatabase(database.db);
    expect(second.meetings.every((outcome) => outcome.action === 'unchanged')).toBe(true);
    const councilRows = await database.db.select().from(councils);
    // The pages say "Hertfordshire Council"; the seeded alias keeps them on the one county council.
    expect(councilRows.map((council) => council.name)).toContain('Hertfordshire County Council');
    expect(councilRows.map((council) => council.name)).not.toContain('Hertfordshire Council');
    expect(councilRows).toHaveLength(11);
    expect(seedJson('2025-06-17-childrens-social-care-cabinet-panel.json').committee).toBe("Children's Social Care Cabinet Panel");
  });
});
