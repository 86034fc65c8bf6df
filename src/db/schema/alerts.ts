import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { deliveryStatuses } from './digests.js';
import { committees, meetings } from './meetings.js';
import { subscribers } from './subscribers.js';

/**
 * A subscriber's opt-in to alerts from one committee: every newly published
 * agenda of it is an alert, whatever it lists. Erased with the subscriber.
 */
export const alertCommittees = pgTable(
  'alert_committees',
  {
    subscriberId: bigint('subscriber_id', { mode: 'number' })
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    committeeId: integer('committee_id')
      .notNull()
      .references(() => committees.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.subscriberId, table.committeeId] }), index('alert_committees_committee_idx').on(table.committeeId)],
);

/**
 * One alert mail: at most one per subscriber per day (DIGEST_TZ), claimed
 * before the SMTP call as a digest delivery is, with a Message-ID derived
 * from (subscriber, day). It carries the alerts assigned to it when first
 * claimed, and only those, however often it is re-claimed. Erasure nulls the
 * subscriber and keeps the row, so volumes survive.
 */
export const alertMails = pgTable(
  'alert_mails',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriberId: bigint('subscriber_id', { mode: 'number' }).references(() => subscribers.id, { onDelete: 'set null' }),
    /** The day it belongs to, in DIGEST_TZ: the daily cap's key. */
    day: date('day').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('claimed'),
    messageId: text('message_id').notNull(),
    attempts: smallint('attempts').notNull().default(1),
    /** Meetings it carried, once sent. */
    meetings: smallint('meetings').notNull().default(0),
    subject: text('subject'),
    error: text('error'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('alert_mails_subscriber_day_key').on(table.subscriberId, table.day),
    index('alert_mails_status_idx').on(table.status, table.day),
    index('alert_mails_sent_at_idx').on(table.sentAt),
  ],
);

export const alertReasons = ['follow', 'committee'] as const;
export type AlertReason = (typeof alertReasons)[number];

/**
 * That a meeting's newly published agenda is news to a subscriber: an item
 * they follow (with alerts on), or a committee they opted in to. Exactly one
 * per (subscriber, meeting), however many harvests bring the agenda again:
 * the row is the once. It waits (mail_id null) until a mail takes it.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriberId: bigint('subscriber_id', { mode: 'number' }).references(() => subscribers.id, { onDelete: 'set null' }),
    meetingId: bigint('meeting_id', { mode: 'number' })
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    /** follow: it lists an item they follow; committee: a committee they opted in to (a follow wins when both). */
    reason: text('reason', { enum: alertReasons }).notNull(),
    /** The agenda items (sections) that matched a follow, in agenda order; empty for a committee alert. */
    sectionIds: bigint('section_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
    /** What the matched follows looked for, as their labels: the "because you follow" line. */
    followed: text('followed').array().notNull().default(sql`'{}'::text[]`),
    /** The mail that carries (or carried) it; null while it waits. */
    mailId: bigint('mail_id', { mode: 'number' }).references(() => alertMails.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('alerts_subscriber_meeting_key').on(table.subscriberId, table.meetingId),
    index('alerts_mail_idx').on(table.mailId),
    // The console's alert volume counts the last day's and week's.
    index('alerts_created_at_idx').on(table.createdAt),
    // What waits for a mail, by subscriber: what each pass queues and each send job assigns.
    index('alerts_waiting_idx').on(table.subscriberId).where(sql`mail_id is null`),
  ],
);
