import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { feedRecipients, feeds, meetings, partners, subscribers } from '../db/schema/index.js';
import { generateAtomToken } from '../tokens/keys.js';
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

/** The demo's partner feed: approved, with one confirmed recipient, so the run sends a feed digest too. */
export const demoFeed = {
  partner: 'Hertfordshire Care Leavers Partnership',
  contactEmail: 'partnership@example.org',
  name: 'Leaving care in Hertfordshire',
  filters: { councils: ['hertfordshire'], topics: ['care-leavers'], keywords: ['Household Support Fund'] },
  recipient: 'fran.feed@example.org',
};

/**
 * The demo feed, written straight to the tables as an operator's approval
 * and a recipient's confirmation would leave it (the demo has nobody to
 * click). A second demo finds the partner there and adds nothing.
 */
export async function createDemoFeed(db: Db, now = new Date()): Promise<boolean> {
  const [partner] = await db.insert(partners).values({ name: demoFeed.partner, contactEmail: demoFeed.contactEmail }).onConflictDoNothing().returning();
  if (!partner) return false;
  const filters = normaliseFilters(demoFeed.filters);
  const [feed] = await db
    .insert(feeds)
    .values({ partnerId: partner.id, name: demoFeed.name, status: 'active', ...filters, filterKey: filterKey(filters), atomTokenHash: generateAtomToken().hash, decidedAt: now })
    .returning();
  await db.insert(feedRecipients).values({ feedId: feed!.id, email: demoFeed.recipient, emailKey: emailKey(demoFeed.recipient), status: 'active', confirmedAt: now });
  return true;
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
