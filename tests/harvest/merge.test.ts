import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createSource, queueHarvest, SourceExistsError } from '../../src/harvest/repo.js';
import { runHarvest } from '../../src/harvest/run.js';
import { importRecords, recordsFromText } from '../../src/meetings/import.js';
import { findMeetings } from '../../src/meetings/queries.js';
import { seedCouncilSites } from '../../src/harvest/seed.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, type ModernGovSite } from '../helpers/moderngov-site.js';

const page = readFileSync(new URL('../fixtures/harvest/page-2025-06-17.txt', import.meta.url), 'utf8');
const window = { from: '2025-06-01', to: '2025-06-30' };

let site: ModernGovSite;
beforeAll(async () => {
  site = await startModernGovSite();
});
afterAll(() => site.close());

async function harvest(database: Database, sourceId: number) {
  const { id } = await queueHarvest(database.db, { sourceId, ...window, trigger: 'test' });
  return runHarvest({ db: database.db, logger: createLogger({ level: 'silent' }), userAgent: 'test', now: () => new Date('2025-07-01T12:00:00Z'), policy: { pauseMs: 0 } }, id);
}

const importPage = (database: Database) => importRecords(database.db, recordsFromText(page));

async function theMeeting(database: Database) {
  const { meetings } = await findMeetings(database.db, { from: new Date('2025-06-17'), to: new Date('2025-06-18') }, { limit: 10 });
  expect(meetings).toHaveLength(1);
  return meetings[0]!;
}

const pageHeadings = ['Care leavers in education, employment and training', 'Youth Justice Plan 2025-26'];
const agendaHeadings = ['Minutes', 'Education, Employment and Training Outcomes for Care Leavers', 'Hertfordshire Youth Justice Plan 2025-26'];

describe('a summary page imported before the harvest', () => {
  let database: Database;
  let sourceId: number;
  beforeAll(async () => {
    // The seeded county already has its real site as a source: point it at the test's.
    database = await createTestDatabase();
    await seedCouncilSites(database.db);
    const [row] = (await database.db.execute<{ id: number }>(sql`update sources set url = ${site.url} from councils c where c.id = sources.council_id and c.slug = 'hertfordshire' returning sources.id`)).rows;
    sourceId = row!.id;
    await importPage(database);
    await harvest(database, sourceId);
  });

  it('is the same meeting the harvest finds: one meeting, not two', async () => {
    const count = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from meetings where starts_at = '2025-06-17T13:00:00Z'`);
    expect(count.rows[0]!.n).toBe(1);
  });

  it("keeps the page's summary and sections, adds the agenda, decisions, papers and attendees from the site", async () => {
    const meeting = await theMeeting(database);
    expect(meeting.summary).toMatch(/^The panel looked at how many care leavers/);
    expect(meeting.sections.map((section) => section.heading)).toEqual([...pageHeadings, ...agendaHeadings]);
    expect(meeting.documents.length).toBe(3);
    expect(meeting.attendees.map((person) => person.name)).toContain('Councillor Dee Hart');
    expect(meeting.decisions.map((decision) => decision.text)).toEqual(
      expect.arrayContaining(['The panel endorsed the plan for Cabinet.', 'The panel noted the report and asked for an update in six months.']),
    );
    expect(meeting.sources.council).toMatch(/ieListDocuments\.aspx\?CId=160&MId=1001$/);
  });

  it('keeps the summary when the site is harvested again and when a page is imported again', async () => {
    site.route('GetMeeting:1001', { status: 200, contentType: 'text/xml', body: readFileSync(new URL('../fixtures/moderngov/meeting-1001.xml', import.meta.url), 'utf8').replace('<meetingstatus>Confirmed</meetingstatus>', '<meetingstatus>Cancelled</meetingstatus>') });
    try {
      const again = await harvest(database, sourceId);
      expect(again).toMatchObject({ updated: 1 });
      let meeting = await theMeeting(database);
      expect(meeting.status).toBe('cancelled');
      expect(meeting.summary).toMatch(/^The panel looked at/);
      expect(meeting.sections.map((section) => section.heading)).toEqual([...pageHeadings, ...agendaHeadings]);

      const [reimported] = await importRecords(database.db, recordsFromText(page.replace('backed the county', 'supported the county')));
      expect(reimported!.action).toBe('updated');
      meeting = await theMeeting(database);
      expect(meeting.summary).toContain('supported the county');
      expect(meeting.status).toBe('cancelled');
      expect(meeting.sections.map((section) => section.heading)).toEqual([...pageHeadings, ...agendaHeadings]);
      expect(meeting.documents.length).toBe(3);
    } finally {
      site.route('GetMeeting:1001', { status: 200, contentType: 'text/xml', body: readFileSync(new URL('../fixtures/moderngov/meeting-1001.xml', import.meta.url), 'utf8') });
    }
  });
});

describe('a summary page imported after the harvest', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCouncilSites(database.db);
    const [row] = (await database.db.execute<{ id: number }>(sql`update sources set url = ${site.url} from councils c where c.id = sources.council_id and c.slug = 'hertfordshire' returning sources.id`)).rows;
    await harvest(database, row!.id);
  });

  it('adds its summary and sections to the harvested meeting instead of creating a second one', async () => {
    const [outcome] = await importPage(database);
    expect(outcome!.action).toBe('updated');
    const meeting = await theMeeting(database);
    expect(meeting.summary).toMatch(/^The panel looked at/);
    expect(meeting.sections.map((section) => section.heading)).toEqual([...pageHeadings, ...agendaHeadings]);
    expect(meeting.status).toBe('held');
    expect(meeting.documents.map((document) => document.url)).toHaveLength(3);
  });

  it('tags the meeting from both parts', async () => {
    const meeting = await theMeeting(database);
    expect(meeting.topics).toEqual(expect.arrayContaining(['care-leavers', 'youth-justice']));
  });
});

it('refuses a second source of the same kind for a council', async () => {
  const database = await createTestDatabase();
  await seedCouncilSites(database.db);
  await expect(createSource(database.db, { council: 'Herts County Council', kind: 'moderngov', url: site.url })).rejects.toThrow(SourceExistsError);
});
