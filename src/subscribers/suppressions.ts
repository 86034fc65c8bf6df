import { eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { feedRecipients, subscribers, suppressions } from '../db/schema/index.js';

/**
 * The suppression list: addresses never mailed again, whoever asks (a
 * complaint, or HARD_BOUNCE_LIMIT hard bounces). Sign-up mail, feed mail,
 * digests and inbound reports all count and suppress here.
 */

/** The people whose rows count hard bounces: subscribers, or feed recipients. */
export type BounceCounted = typeof subscribers | typeof feedRecipients;

/** Counts a hard bounce against a recipient; at `limit` the address is suppressed. Returns whether it now is. */
export async function recordHardBounce(db: Executor, people: BounceCounted, recipientId: number, limit: number, note: string): Promise<boolean> {
  const [row] = await db
    .update(people)
    .set({ hardBounces: sql`${people.hardBounces} + 1` })
    .where(eq(people.id, recipientId))
    .returning({ emailKey: people.emailKey, hardBounces: people.hardBounces });
  if (!row?.emailKey || row.hardBounces < limit) return false;
  await suppress(db, row.emailKey, 'hard_bounce', note);
  return true;
}

export async function suppress(db: Executor, emailKey: string, reason: 'hard_bounce' | 'complaint', note: string): Promise<void> {
  await db.insert(suppressions).values({ emailKey, reason, note }).onConflictDoNothing();
}

/** Which of these addresses (email keys) are suppressed. */
export async function suppressedAmong(db: Executor, emailKeys: string[]): Promise<Set<string>> {
  if (emailKeys.length === 0) return new Set();
  const rows = await db.select({ emailKey: suppressions.emailKey }).from(suppressions).where(inArray(suppressions.emailKey, emailKeys));
  return new Set(rows.map((row) => row.emailKey));
}
