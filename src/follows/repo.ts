/** All of follows' SQL, each query named for its intent. */
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { follows } from '../db/schema/index.js';
import type { FollowKey } from './match.js';

export type Follow = typeof follows.$inferSelect;

export interface NewFollow {
  subscriberId: number;
  key: FollowKey;
  label: string;
  meetingId: number | null;
  alerts: boolean;
}

/**
 * Adds a follow unless the subscriber already follows that key (the unique
 * index decides, so two confirms at once make one): `created` false then,
 * and the follow as it was, its alerts setting untouched.
 */
export async function addFollow(db: Executor, follow: NewFollow): Promise<{ follow: Follow; created: boolean }> {
  const [inserted] = await db
    .insert(follows)
    .values({ subscriberId: follow.subscriberId, kind: follow.key.kind, value: follow.key.value, label: follow.label.slice(0, 500), meetingId: follow.meetingId, alerts: follow.alerts })
    .onConflictDoNothing({ target: [follows.subscriberId, follows.kind, follows.value] })
    .returning();
  if (inserted) return { follow: inserted, created: true };
  return { follow: (await findFollow(db, follow.subscriberId, follow.key))!, created: false };
}

export async function findFollow(db: Executor, subscriberId: number, key: FollowKey): Promise<Follow | undefined> {
  const [row] = await db
    .select()
    .from(follows)
    .where(and(eq(follows.subscriberId, subscriberId), eq(follows.kind, key.kind), eq(follows.value, key.value)));
  return row;
}

/** A subscriber's follows, oldest first: the preference centre's list. */
export async function followsOf(db: Executor, subscriberId: number): Promise<Follow[]> {
  return db.select().from(follows).where(eq(follows.subscriberId, subscriberId)).orderBy(asc(follows.createdAt), asc(follows.id));
}

/** Removes one of the subscriber's follows; false when it is not (or no longer) theirs. */
export async function removeFollow(db: Executor, subscriberId: number, followId: number): Promise<boolean> {
  const removed = await db.delete(follows).where(and(eq(follows.id, followId), eq(follows.subscriberId, subscriberId))).returning({ id: follows.id });
  return removed.length > 0;
}

/** Switches one of the subscriber's follows' alerts on or off; false when it is not theirs. */
export async function setFollowAlerts(db: Executor, subscriberId: number, followId: number, alerts: boolean): Promise<boolean> {
  const changed = await db
    .update(follows)
    .set({ alerts })
    .where(and(eq(follows.id, followId), eq(follows.subscriberId, subscriberId)))
    .returning({ id: follows.id });
  return changed.length > 0;
}
