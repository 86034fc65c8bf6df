import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db, Executor } from '../db/client.js';
import {
  deliveries,
  deliveryMeetings,
  digestRuns,
  feedDeliveries,
  feedRecipients,
  feeds,
  subscribers,
  type DeliveryStatus,
} from '../db/schema/index.js';
import type { BounceCounted } from '../subscribers/suppressions.js';
import type { Carried } from './late-news.js';
import { countsAdded } from './run-repo.js';
import type { Week } from './week.js';

/**
 * The SQL of deliveries: one row per (recipient, week), claimed before the
 * SMTP call. Subscribers' rows live in `deliveries`, feed recipients' in
 * `feed_deliveries`: the same columns and life, with the column naming the
 * recipient apart. Each statement is written once, over a `DeliveryTable`.
 */
export interface DeliveryTable {
  /** How delivery_meetings names the audience. */
  audience: 'subscriber' | 'feed recipient';
  table: typeof deliveries | typeof feedDeliveries;
  /** Whom a row is for; unique with the week. */
  recipient: typeof deliveries.subscriberId | typeof feedDeliveries.recipientId;
  /** The feed a row is for, kept so its history outlives a removed recipient; subscribers have none. */
  feed: typeof feedDeliveries.feedId | null;
  /** The recipients themselves: their address and hard-bounce count. */
  people: BounceCounted;
}

export const subscriberDeliveries: DeliveryTable = { audience: 'subscriber', table: deliveries, recipient: deliveries.subscriberId, feed: null, people: subscribers };
export const feedRecipientDeliveries: DeliveryTable = {
  audience: 'feed recipient',
  table: feedDeliveries,
  recipient: feedDeliveries.recipientId,
  feed: feedDeliveries.feedId,
  people: feedRecipients,
};

export interface Claim {
  id: number;
  recipientId: number;
  messageId: string;
  /** 1 for a first claim; more when an earlier attempt released it or died holding it. */
  attempts: number;
}

/** Whose deliveries of a run's week to claim, each with the Message-ID its digest will carry. */
export interface ClaimRequest {
  runId: number;
  week: Week;
  /** Claims older than this belong to an attempt that died, and are taken over. */
  staleBefore: Date;
  recipients: { recipientId: number; feedId: number | null; messageId: string }[];
}

/**
 * Claims recipients' deliveries for the week in one statement, answering
 * the claims that are ours. A new row is ours; an existing one only when it
 * was released for a retry, or is still 'claimed' by an attempt that died
 * before `staleBefore` (re-sent with the same Message-ID). One statement per
 * row set, so two workers can never both win a row. Plain SQL because the
 * insert's columns depend on the table.
 */
export async function claimDeliveries(db: Db, where: DeliveryTable, claim: ClaimRequest): Promise<Claim[]> {
  if (claim.recipients.length === 0) return [];
  const recipient = sql.identifier(where.recipient.name);
  const ids = pgArray(claim.recipients.map((each) => each.recipientId), 'bigint');
  const messageIds = pgArray(claim.recipients.map((each) => each.messageId), 'text');
  const feed = where.feed
    ? { column: sql`, ${sql.identifier(where.feed.name)}`, value: sql`, r.feed_id`, array: sql`, ${pgArray(claim.recipients.map((each) => each.feedId), 'bigint')}`, name: sql`, feed_id` }
    : { column: sql``, value: sql``, array: sql``, name: sql`` };
  const result = await db.execute<{ id: string; recipient_id: string; message_id: string; attempts: number }>(sql`
    insert into ${where.table} as d (run_id, ${recipient}${feed.column}, week, message_id, attempts)
    select ${claim.runId}, r.recipient_id${feed.value}, ${claim.week}, r.message_id, 1
    from unnest(${ids}, ${messageIds}${feed.array}) as r(recipient_id, message_id${feed.name})
    -- One order for every claimer, so two attempts claiming overlapping groups wait rather than deadlock.
    order by r.recipient_id
    on conflict (${recipient}, week) do update
      set status = 'claimed', claimed_at = now(), attempts = d.attempts + 1, error = null
      where d.status = 'retry' or (d.status = 'claimed' and d.claimed_at < ${claim.staleBefore.toISOString()})
    returning id, ${recipient} as recipient_id, message_id, attempts`);
  return result.rows.map((row) => ({ id: Number(row.id), recipientId: Number(row.recipient_id), messageId: row.message_id, attempts: row.attempts }));
}

/** Where recipients' deliveries for the week stand, for those that have one. */
export async function deliveryStatuses(db: Db, where: DeliveryTable, recipientIds: number[], week: Week): Promise<Map<number, DeliveryStatus>> {
  if (recipientIds.length === 0) return new Map();
  const rows = await db
    .select({ recipientId: where.recipient, status: where.table.status })
    .from(where.table)
    .where(and(inArray(where.recipient, recipientIds), eq(where.table.week, week)));
  return new Map(rows.map((row) => [row.recipientId!, row.status]));
}

/** How one claimed delivery ended: sent (with what), skipped or failed for good, or released for a retry. */
export type Settlement =
  | { id: number; status: 'sent'; subject: string; meetings: number; sections: number; carried: Carried[] }
  | { id: number; status: 'skipped' | 'failed' | 'retry'; reason: string };

/**
 * Writes how a set of claimed deliveries ended, and what the sent ones
 * carried (delivery_meetings), in one statement: a delivery is settled as
 * sent and its meetings recorded together or not at all, so exactly-once
 * holds for late news too. 'sent' is written only after the SMTP server
 * accepted; a row no longer 'claimed' by us (taken over as stale) is left
 * alone, and so records nothing.
 */
export async function settleDeliveries(db: Db, where: DeliveryTable, settled: Settlement[]): Promise<void> {
  if (settled.length === 0) return;
  const sent = (each: Settlement) => (each.status === 'sent' ? each : undefined);
  const column = <T extends string | number>(pick: (each: Settlement) => T | undefined) => settled.map((each) => pick(each) ?? null);
  const carried = settled.flatMap((each) => (each.status === 'sent' ? each.carried.map((meeting) => ({ deliveryId: each.id, ...meeting })) : []));
  await db.execute(sql`
    with settled as (
      update ${where.table} d set
        status = v.status,
        error = v.error,
        sent_at = case when v.status = 'sent' then now() else d.sent_at end,
        subject = coalesce(v.subject, d.subject),
        meetings = coalesce(v.meetings, d.meetings),
        sections = coalesce(v.sections, d.sections)
      from unnest(
        ${pgArray(column((each) => each.id), 'bigint')}, ${pgArray(column((each) => each.status), 'text')},
        ${pgArray(column((each) => (each.status === 'sent' ? undefined : each.reason)), 'text')}, ${pgArray(column((each) => sent(each)?.subject), 'text')},
        ${pgArray(column((each) => sent(each)?.meetings), 'int')}, ${pgArray(column((each) => sent(each)?.sections), 'int')}
      ) as v(id, status, error, subject, meetings, sections)
      where d.id = v.id and d.status = 'claimed'
      returning d.id, d.${sql.identifier(where.recipient.name)} as recipient_id, v.status
    )
    insert into ${deliveryMeetings} (audience, recipient_id, delivery_id, meeting_id, form, changed_at)
    select ${where.audience}, s.recipient_id, s.id, c.meeting_id, c.form, c.changed_at::timestamptz
    from settled s
    join unnest(
      ${pgArray(carried.map((each) => each.deliveryId), 'bigint')}, ${pgArray(carried.map((each) => each.meetingId), 'bigint')},
      ${pgArray(carried.map((each) => each.form), 'text')}, ${pgArray(carried.map((each) => each.changedAt), 'text')}
    ) as c(delivery_id, meeting_id, form, changed_at) on c.delivery_id = s.id
    where s.status = 'sent'`);
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
      where run_id = ${runId} and ${sql.identifier(where.recipient.name)} = any(${pgArray(recipientIds, 'bigint')})
        and status in ('sent', 'skipped', 'failed') and not counted
      returning status
    ), added as (
      select count(*) filter (where status = 'sent')::int as added_sent, count(*) filter (where status = 'skipped')::int as added_skipped,
        count(*) filter (where status = 'failed')::int as added_failed
      from settled
    )
    update ${digestRuns} set ${countsAdded({ sent: sql`added_sent`, skipped: sql`added_skipped`, failed: sql`added_failed` })}
    from added where id = ${runId}`);
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

/**
 * Notes a hard bounce or a complaint against one delivery, once: the first
 * report stamps the delivery and adds one to its run's counter; a repeat
 * (the same DSN twice, a webhook and a DSN for one mail) finds it stamped.
 * Answers the delivery's run, and whether this report was the first.
 */
export async function noteReturned(
  db: Executor,
  where: DeliveryTable,
  deliveryId: number,
  kind: 'hard' | 'complaint',
): Promise<{ runId: number; first: boolean } | undefined> {
  const stamp = sql.identifier(kind === 'hard' ? 'bounced_at' : 'complained_at');
  const counter = sql.identifier(kind === 'hard' ? 'hard_bounces' : 'complaints');
  const result = await db.execute<{ run_id: string; first: boolean }>(sql`
    with found as (select id, run_id, ${stamp} is null as first from ${where.table} where id = ${deliveryId} for update),
    stamped as (update ${where.table} d set ${stamp} = now() from found where d.id = found.id and found.first returning d.run_id),
    -- Data-modifying CTEs run once whether or not the final select reads them.
    counted as (update ${digestRuns} r set ${counter} = r.${counter} + 1 from stamped where r.id = stamped.run_id)
    select run_id, first from found`);
  const [row] = result.rows;
  return row && { runId: Number(row.run_id), first: row.first };
}
