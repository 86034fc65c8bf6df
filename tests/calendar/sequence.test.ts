import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { meetings } from '../../src/db/schema/index.js';
import { importRecords } from '../../src/meetings/import.js';
import type { MeetingInput } from '../../src/meetings/schema.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { createTestDatabase } from '../helpers/db.js';

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
});

const planning: MeetingInput = {
  council: 'Hertfordshire County Council',
  committee: 'Development Control Committee',
  status: 'scheduled',
  startsAt: '2026-03-10T10:00:00Z',
  location: 'Council Chamber, County Hall, Hertford',
  sources: { council: 'https://democracy.hertfordshire.gov.uk/ieListDocuments.aspx?MId=9001' },
  sections: [{ heading: 'Minerals and waste applications', number: '3.' }],
};

async function stored() {
  const [row] = await database.db
    .select({ sequence: meetings.sequence, startsAt: meetings.startsAt, location: meetings.location, status: meetings.status })
    .from(meetings)
    .where(eq(meetings.councilUrl, planning.sources!.council!));
  return row!;
}

describe("a meeting's calendar sequence", () => {
  it('starts at 0 and stays there on an unchanged re-import', async () => {
    await importRecords(database.db, [planning]);
    await importRecords(database.db, [planning]);
    expect((await stored()).sequence).toBe(0);
  });

  it('stays put when only the agenda changes', async () => {
    await importRecords(database.db, [{ ...planning, sections: [{ heading: 'Waste local plan', number: '4.' }] }]);
    expect((await stored()).sequence).toBe(0);
  });

  it('rises when the meeting moves, once per move', async () => {
    const moved = { ...planning, startsAt: '2026-03-11T14:00:00Z' };
    await importRecords(database.db, [moved]);
    await importRecords(database.db, [moved]);
    expect(await stored()).toMatchObject({ sequence: 1, startsAt: new Date('2026-03-11T14:00:00Z') });
  });

  it('rises when the place or the status changes', async () => {
    const base = { ...planning, startsAt: '2026-03-11T14:00:00Z' };
    await importRecords(database.db, [{ ...base, location: 'Committee Room 1, County Hall' }]);
    expect((await stored()).sequence).toBe(2);
    await importRecords(database.db, [{ ...base, location: 'Committee Room 1, County Hall', status: 'cancelled' }]);
    expect(await stored()).toMatchObject({ sequence: 3, status: 'cancelled' });
  });
});
