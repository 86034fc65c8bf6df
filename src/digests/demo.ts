import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { meetings, subscribers } from '../db/schema/index.js';
import { emailKey } from '../subscribers/email.js';
import { filterKey, normaliseFilters, type FilterSet } from '../subscribers/filters.js';
import { weekContaining, type Week } from './week.js';

/** The demo's readers: each follows something different, and one follows what the week lacks. */
export const demoSubscribers: { email: string; filters: Partial<FilterSet> }[] = [
  { email: 'carol.careleavers@example.org', filters: { topics: ['care-leavers'] } },
  { email: 'hamid.hsf@example.org', filters: { keywords: ['Household Support Fund'] } },
  { email: 'priya.everything@example.org', filters: { councils: ['hertfordshire'] } },
  { email: 'yusuf.youthjustice@example.org', filters: { topics: ['youth-justice'] } },
  { email: 'morgan.panel@example.org', filters: { committees: ['childrens-social-care-cabinet-panel'] } },
  { email: 'wren.workforce@example.org', filters: { topics: ['workforce'], keywords: ['complaints'] } },
];

/**
 * Confirmed demo subscribers, written straight to the table (the demo has
 * nobody to click confirmation links). Known addresses are left as they are.
 */
export async function createDemoSubscribers(db: Db, now = new Date()): Promise<number> {
  const rows = demoSubscribers.map(({ email, filters }) => {
    const normalised = normaliseFilters(filters);
    return {
      email,
      emailKey: emailKey(email),
      status: 'active' as const,
      ...normalised,
      filterKey: filterKey(normalised),
      consentSource: 'import',
      consentNote: 'demo subscriber',
      confirmedAt: now,
    };
  });
  const created = await db
    .insert(subscribers)
    .values(rows)
    .onConflictDoNothing({ target: subscribers.emailKey, where: sql`email_key is not null` })
    .returning({ id: subscribers.id });
  return created.length;
}

/** The week of the most recent meeting that was held: what the demo's run covers. */
export async function latestSeededWeek(db: Db, zone: string): Promise<Week | undefined> {
  const [latest] = await db
    .select({ startsAt: meetings.startsAt })
    .from(meetings)
    .where(eq(meetings.status, 'held'))
    .orderBy(desc(meetings.startsAt))
    .limit(1);
  return latest && weekContaining(latest.startsAt, zone);
}
