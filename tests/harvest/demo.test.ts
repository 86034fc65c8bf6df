import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { latestSeededWeek } from '../../src/digests/demo.js';
import { harvestDemoSite } from '../../src/harvest/demo.js';
import { shiftDates } from '../../src/harvest/recorded-site.js';
import type { HarvestRow } from '../../src/harvest/repo.js';
import { createLogger } from '../../src/logger.js';
import { findMeetings } from '../../src/meetings/queries.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { createTestDatabase } from '../helpers/db.js';

let database: Database;
let harvest: HarvestRow;
let close: () => Promise<void>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  const week = (await latestSeededWeek(database.db, 'Europe/London'))!;
  const demo = await harvestDemoSite({ db: database.db, logger: createLogger({ level: 'silent' }), userAgent: 'test' }, { week, zone: 'Europe/London' });
  harvest = demo.harvest;
  close = demo.site.close;
});
afterAll(() => close());

describe("the demo's harvest", () => {
  it('moves every dd/mm/yyyy date by whole days, and nothing else', () => {
    expect(shiftDates('<meetingdate>16/06/2025</meetingdate><meetingtime>2.00 pm</meetingtime> 31/12/2025 TBC', 84)).toBe(
      '<meetingdate>08/09/2025</meetingdate><meetingtime>2.00 pm</meetingtime> 25/03/2026 TBC',
    );
  });

  it('reads the recorded site with no network, into the week the demo digest covers and the weeks after', async () => {
    expect(harvest).toMatchObject({ status: 'finished', created: 2, updated: 1, items: 5, warningCount: 0, errors: [] });
    const { meetings } = await findMeetings(database.db, { from: new Date('2025-09-08'), to: new Date('2025-09-30') }, { limit: 10 });
    expect(meetings.map((meeting) => [meeting.committee.name, meeting.startsAt, meeting.status])).toEqual([
      ['Cabinet', '2025-09-08T13:00:00.000Z', 'held'],
      ["Children's Social Care Cabinet Panel", '2025-09-10T09:00:00.000Z', 'held'],
      ["Children's Social Care Cabinet Panel", '2025-09-24T13:00:00.000Z', 'scheduled'],
    ]);
  });

  it("adds the site's agenda items to the imported summary of the same meeting rather than making a second one", async () => {
    const { meetings } = await findMeetings(database.db, { from: new Date('2025-09-10'), to: new Date('2025-09-11') }, { limit: 10 });
    expect(meetings).toHaveLength(1);
    const [panel] = meetings;
    expect(panel!.summary).not.toBe('');
    expect(panel!.sections.filter((section) => section.number).map((section) => section.heading)).toEqual([
      "Children's Services Recruitment, Retention and Workforce",
      'Household Support Fund 7',
    ]);
  });
});
