import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import {
  deliveries,
  digestRuns,
  feedDeliveries,
  feedRecipients,
  feeds,
  subscribers,
  suppressions,
  type DeliveryStatus,
} from '../db/schema/index.js';
import type { Week } from './week.js';

/**
 * The SQL of deliveries: one row per (recipient, week), claimed before the
 * SMTP call. Subscribers' rows live in `deliveries`, feed recipients' in
 * `feed_deliveries`: the same columns and life, with the column naming the
 * recipient apart. Each statement is written once, over a `DeliveryTable`.
 */
export interface DeliveryTable {
  table: typeof deliveries | typeof feedDeliveries;
  /** Whom a row is for; unique with the week. */
  recipient: typeof deliveries.subscriberId | typeof feedDeliveries.recipientId;
  /** The feed a row is for, kept so its history outlives a removed recipient; subscribers have none. */
  feed: typeof feedDeliveries.feedId | null;
  /** The recipients themselves: their address and hard-bounce count. */
  people: typeof subscribers | typeof feedRecipients;
}

export const subscriberDeliveries: DeliveryTable = { table: deliveries, recipient: deliveries.subscriberId, feed: null, people: subscribers };
export const feedRecipientDeliveries: DeliveryTable = {
  table: feedDeliveries,
  recipient: feedDeliveries.recipientId,
  feed: feedDeliveries.feedId,
  people: feedRecipients,
};

export interface Claim {
  id: number;
  messageId: string;
}

/**
 * Claims a recipient's delivery for the week, or gives undefined when it is
 * not ours to send. A new row is ours; an existing one only when it was
 * released for a retry, or is still 'claimed' by an attempt that died before
 * `staleBefore` (re-sent with the same Message-ID). One statement, so two
 * workers can never both win. Plain SQL because the insert's columns depend
 * on the table.
 */
export async function claimDelivery(
  db: Db,
  where: DeliveryTable,
  claim: { runId: number; recipientId: number; feedId: number | null; week: Week; messageId: string; staleBefore: Date },
): Promise<Claim | undefined> {
  const recipient = sql.identifier(where.recipient.name);
  const feed = where.feed ? { column: sql`, ${sql.identifier(where.feed.name)}`, value: sql`, ${claim.feedId}` } : { column: sql``, value: sql`` };
  const result = await db.execute<{ id: string; message_id: string }>(sql`
    insert into ${where.table} as d (run_id, ${recipient}${feed.column}, week, message_id, attempts)
    values (${claim.runId}, ${claim.recipientId}${feed.value}, ${claim.week}, ${claim.messageId}, 1)
    on conflict (${recipient}, week) do update
      set status = 'claimed', claimed_at = now(), attempts = d.attempts + 1, error = null
      where d.status = 'retry' or (d.status = 'claimed' and d.claimed_at < ${claim.staleBefore.toISOString()})
    returning id, message_id`);
  const [row] = result.rows;
  return row && { id: Number(row.id), messageId: row.message_id };
}

/** Where a recipient's delivery for the week stands, when there is one. */
export async function deliveryStatus(db: Db, where: DeliveryTable, recipientId: number, week: Week): Promise<DeliveryStatus | undefined> {
  const [row] = await db
    .select({ status: where.table.status })
    .from(where.table)
    .where(and(eq(where.recipient, recipientId), eq(where.table.week, week)));
  return row?.status;
}

/** Written right after the SMTP server accepts: from here on the recipient has had this week's digest. */
export async function markSent(
  db: Db,
  where: DeliveryTable,
  id: number,
  details: { subject: string; meetings: number; sections: number },
): Promise<void> {
  await db
    .update(where.table)
    .set({ status: 'sent', sentAt: sql`now()`, error: null, ...details })
    .where(and(eq(where.table.id, id), eq(where.table.status, 'claimed')));
}

export async function markSettled(db: Db, where: DeliveryTable, id: number, status: 'skipped' | 'failed', reason: string): Promise<void> {
  await db
    .update(where.table)
    .set({ status, error: reason })
    .where(and(eq(where.table.id, id), eq(where.table.status, 'claimed')));
}

/** A transient failure: the next attempt of the job may claim it again. */
export async function releaseForRetry(db: Db, where: DeliveryTable, id: number, reason: string): Promise<void> {
  await db
    .update(where.table)
    .set({ status: 'retry', error: reason })
    .where(and(eq(where.table.id, id), eq(where.table.status, 'claimed')));
}

/**
 * Adds what a batch settled to its run's counters, once: each delivery is
 * flagged as counted in the same statement. A retried batch counts only what
 * the earlier attempt had not, so the counters stay exact through crashes.
 */
export async function countSettled(db: Db, where: DeliveryTable, runId: number, recipientIds: number[]): Promise<void> {
  if (recipientIds.length === 0) return;
  await db.execute(sql`
    with settled as (
      update ${where.table} set counted = true
      where run_id = ${runId} and ${sql.identifier(where.recipient.name)} in ${recipientIds}
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
 * is sending again. Returns the recipients to queue.
 */
export async function releaseFailed(db: Db, where: DeliveryTable, runId: number): Promise<number[]> {
  return db.transaction(async (tx) => {
    // The CTE reads each row's counted flag before the update clears it.
    const released = await tx.execute<{ recipient_id: string | null; was_counted: boolean }>(sql`
      with chosen as (
        select id, counted from ${where.table}
        where run_id = ${runId} and status in ('failed', 'retry')
        for update
      )
      update ${where.table} d set status = 'retry', counted = false
      from chosen where d.id = chosen.id
      returning d.${sql.identifier(where.recipient.name)} as recipient_id, chosen.counted as was_counted`);
    const uncounted = released.rows.filter((row) => row.was_counted).length;
    if (released.rows.length > 0) {
      await tx
        .update(digestRuns)
        .set({ failed: sql`${digestRuns.failed} - ${uncounted}`, status: 'sending', finishedAt: null })
        .where(and(eq(digestRuns.id, runId), inArray(digestRuns.status, ['sending', 'completed'])));
    }
    return released.rows.flatMap((row) => (row.recipient_id === null ? [] : [Number(row.recipient_id)]));
  });
}

/** The latest failures of a run across subscribers and feed recipients, for the operator. */
export async function runFailures(db: Db, runId: number, limit = 20) {
  const latest = (where: DeliveryTable) =>
    db
      .select({ email: where.people.email, error: where.table.error, attempts: where.table.attempts, claimedAt: where.table.claimedAt })
      .from(where.table)
      .leftJoin(where.people, eq(where.people.id, where.recipient))
      .where(and(eq(where.table.runId, runId), eq(where.table.status, 'failed')))
      .orderBy(desc(where.table.claimedAt))
      .limit(limit);
  const both = (await Promise.all([latest(subscriberDeliveries), latest(feedRecipientDeliveries)])).flat();
  return both.sort((a, b) => b.claimedAt.getTime() - a.claimedAt.getTime()).slice(0, limit);
}

/** Who got what in a run, subscribers then feed recipients, each in id order: the demo's table. */
export async function runDeliveries(db: Db, runId: number) {
  const outcome = (where: DeliveryTable) => ({
    week: where.table.week,
    status: where.table.status,
    meetings: where.table.meetings,
    sections: where.table.sections,
    subject: where.table.subject,
    error: where.table.error,
  });
  const [own, fed] = await Promise.all([
    db
      .select({
        email: subscribers.email,
        publicId: subscribers.publicId,
        tokenVersion: subscribers.tokenVersion,
        councils: subscribers.councils,
        committees: subscribers.committees,
        topics: subscribers.topics,
        keywords: subscribers.keywords,
        ...outcome(subscriberDeliveries),
      })
      .from(deliveries)
      .leftJoin(subscribers, eq(subscribers.id, deliveries.subscriberId))
      .where(eq(deliveries.runId, runId))
      .orderBy(asc(deliveries.subscriberId)),
    db
      .select({
        email: feedRecipients.email,
        feed: feeds.name,
        councils: feeds.councils,
        committees: feeds.committees,
        topics: feeds.topics,
        keywords: feeds.keywords,
        ...outcome(feedRecipientDeliveries),
      })
      .from(feedDeliveries)
      .leftJoin(feedRecipients, eq(feedRecipients.id, feedDeliveries.recipientId))
      .leftJoin(feeds, eq(feeds.id, feedDeliveries.feedId))
      .where(eq(feedDeliveries.runId, runId))
      .orderBy(asc(feedDeliveries.recipientId)),
  ]);
  return [...own.map((row) => ({ ...row, feed: null })), ...fed.map((row) => ({ ...row, publicId: null, tokenVersion: null }))];
}

/** Counts a hard bounce against a recipient; at `limit` the address is suppressed. Returns whether it now is. */
export async function recordHardBounce(db: Db, where: DeliveryTable, recipientId: number, limit: number, note: string): Promise<boolean> {
  const [row] = await db
    .update(where.people)
    .set({ hardBounces: sql`${where.people.hardBounces} + 1` })
    .where(eq(where.people.id, recipientId))
    .returning({ emailKey: where.people.emailKey, hardBounces: where.people.hardBounces });
  if (!row?.emailKey || row.hardBounces < limit) return false;
  await suppress(db, row.emailKey, 'hard_bounce', note);
  return true;
}

export async function suppress(db: Db, emailKey: string, reason: 'hard_bounce' | 'complaint', note: string): Promise<void> {
  await db.insert(suppressions).values({ emailKey, reason, note }).onConflictDoNothing();
}
