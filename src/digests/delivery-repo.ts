import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { deliveries, digestRuns, subscribers, suppressions } from '../db/schema/index.js';
import type { Week } from './week.js';

/** The SQL of deliveries: one row per (subscriber, week), claimed before the SMTP call. */

export type Delivery = typeof deliveries.$inferSelect;

/**
 * Claims a subscriber's delivery for the week, or gives undefined when it is
 * not ours to send. A new row is ours; an existing one only when it was
 * released for a retry, or is still 'claimed' by an attempt that died before
 * `staleBefore` (re-sent with the same Message-ID). One statement, so two
 * workers can never both win.
 */
export async function claimDelivery(
  db: Db,
  claim: { runId: number; subscriberId: number; week: Week; messageId: string; staleBefore: Date },
): Promise<Delivery | undefined> {
  const [row] = await db
    .insert(deliveries)
    .values({ runId: claim.runId, subscriberId: claim.subscriberId, week: claim.week, messageId: claim.messageId, attempts: 1 })
    .onConflictDoUpdate({
      target: [deliveries.subscriberId, deliveries.week],
      set: { status: 'claimed', claimedAt: sql`now()`, attempts: sql`${deliveries.attempts} + 1`, error: null },
      setWhere: sql`${deliveries.status} = 'retry'
        or (${deliveries.status} = 'claimed' and ${deliveries.claimedAt} < ${claim.staleBefore.toISOString()})`,
    })
    .returning();
  return row;
}

export async function deliveryFor(db: Db, subscriberId: number, week: Week): Promise<Delivery | undefined> {
  const [row] = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.subscriberId, subscriberId), eq(deliveries.week, week)));
  return row;
}

/** Written right after the SMTP server accepts: from here on the subscriber has had this week's digest. */
export async function markSent(
  db: Db,
  id: number,
  details: { subject: string; meetings: number; sections: number },
): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'sent', sentAt: sql`now()`, error: null, ...details })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'claimed')));
}

export async function markSettled(db: Db, id: number, status: 'skipped' | 'failed', reason: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status, error: reason })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'claimed')));
}

/** A transient failure: the next attempt of the job may claim it again. */
export async function releaseForRetry(db: Db, id: number, reason: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'retry', error: reason })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'claimed')));
}

/**
 * Adds what a batch settled to its run's counters, once: each delivery is
 * flagged as counted in the same statement. A retried batch counts only what
 * the earlier attempt had not, so the counters stay exact through crashes.
 */
export async function countSettled(db: Db, runId: number, subscriberIds: number[]): Promise<void> {
  if (subscriberIds.length === 0) return;
  await db.execute(sql`
    with settled as (
      update ${deliveries} set counted = true
      where run_id = ${runId} and subscriber_id in ${subscriberIds}
        and status in ('sent', 'skipped', 'failed') and not counted
      returning status
    )
    update ${digestRuns} set
      sent = sent + (select count(*) from settled where status = 'sent'),
      skipped = skipped + (select count(*) from settled where status = 'skipped'),
      failed = failed + (select count(*) from settled where status = 'failed')
    where id = ${runId}`);
}

/**
 * An operator's "retry failed": failed deliveries (and any a lost job left
 * waiting for a retry) go back to 'retry' and leave the failed count; the run
 * is sending again. Returns the subscribers to queue.
 */
export async function releaseFailed(db: Db, runId: number): Promise<number[]> {
  return db.transaction(async (tx) => {
    // The CTE reads each row's counted flag before the update clears it.
    const released = await tx.execute<{ subscriber_id: string | null; was_counted: boolean }>(sql`
      with chosen as (
        select id, counted from ${deliveries}
        where run_id = ${runId} and status in ('failed', 'retry')
        for update
      )
      update ${deliveries} d set status = 'retry', counted = false
      from chosen where d.id = chosen.id
      returning d.subscriber_id, chosen.counted as was_counted`);
    const uncounted = released.rows.filter((row) => row.was_counted).length;
    if (released.rows.length > 0) {
      await tx
        .update(digestRuns)
        .set({ failed: sql`${digestRuns.failed} - ${uncounted}`, status: 'sending', finishedAt: null })
        .where(and(eq(digestRuns.id, runId), inArray(digestRuns.status, ['sending', 'completed'])));
    }
    return released.rows.flatMap((row) => (row.subscriber_id === null ? [] : [Number(row.subscriber_id)]));
  });
}

/** The latest failures of a run, for the operator. */
export async function runFailures(db: Db, runId: number, limit = 20) {
  return db
    .select({ email: subscribers.email, error: deliveries.error, attempts: deliveries.attempts, claimedAt: deliveries.claimedAt })
    .from(deliveries)
    .leftJoin(subscribers, eq(subscribers.id, deliveries.subscriberId))
    .where(and(eq(deliveries.runId, runId), eq(deliveries.status, 'failed')))
    .orderBy(desc(deliveries.claimedAt))
    .limit(limit);
}

/** Who got what in a run, in subscriber order: the demo's table. */
export async function runDeliveries(db: Db, runId: number) {
  return db
    .select({
      email: subscribers.email,
      publicId: subscribers.publicId,
      tokenVersion: subscribers.tokenVersion,
      week: deliveries.week,
      councils: subscribers.councils,
      committees: subscribers.committees,
      topics: subscribers.topics,
      keywords: subscribers.keywords,
      status: deliveries.status,
      meetings: deliveries.meetings,
      sections: deliveries.sections,
      subject: deliveries.subject,
      error: deliveries.error,
    })
    .from(deliveries)
    .leftJoin(subscribers, eq(subscribers.id, deliveries.subscriberId))
    .where(eq(deliveries.runId, runId))
    .orderBy(asc(deliveries.subscriberId));
}

/** Counts a hard bounce; at `limit` the address is suppressed. Returns whether it now is. */
export async function recordHardBounce(db: Db, subscriberId: number, limit: number, note: string): Promise<boolean> {
  const [row] = await db
    .update(subscribers)
    .set({ hardBounces: sql`${subscribers.hardBounces} + 1`, updatedAt: sql`now()` })
    .where(eq(subscribers.id, subscriberId))
    .returning({ emailKey: subscribers.emailKey, hardBounces: subscribers.hardBounces });
  if (!row?.emailKey || row.hardBounces < limit) return false;
  await suppress(db, row.emailKey, 'hard_bounce', note);
  return true;
}

export async function suppress(db: Db, emailKey: string, reason: 'hard_bounce' | 'complaint', note: string): Promise<void> {
  await db.insert(suppressions).values({ emailKey, reason, note }).onConflictDoNothing();
}
