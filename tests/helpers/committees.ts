import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedCouncils } from '../../src/meetings/seed.js';

/** Every council has a Cabinet and a Planning Committee; these name the other eighteen. */
const subCommittees = ['Licensing', 'Audit', 'Overview and Scrutiny', 'Standards'];

/**
 * The eleven seeded councils with twenty committees each (220, as harvests
 * bring them): a Cabinet, a Planning Committee and eighteen sub-committees
 * ("Audit Sub-Committee 2"), each with one meeting in June 2025.
 */
export async function seedCouncilsWithCommittees(database: Database): Promise<void> {
  await seedCouncils(database.db);
  const councils = (await database.db.execute<{ name: string }>(sql`select name from councils order by name`)).rows.map((row) => row.name);
  const committees = ['Cabinet', 'Planning Committee', ...Array.from({ length: 18 }, (_, n) => `${subCommittees[n % 4]} Sub-Committee ${n + 1}`)];
  await importRecords(
    database.db,
    councils.flatMap((council, c) =>
      committees.map((committee, m) => ({
        council,
        committee,
        startsAt: new Date(Date.UTC(2025, 5, 2 + (m % 5), 9 + c)).toISOString(),
        summary: `${committee} of ${council} met.`,
      })),
    ),
  );
}
