import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { digestRuns } from './digests.js';

/** Where a report came in. */
export const inboundChannels = ['smtp', 'imap', 'ses', 'mailgun', 'postmark', 'webhook'] as const;
export type InboundChannel = (typeof inboundChannels)[number];

/** What a message was, as the classifier (src/inbound/classify.ts) or a provider said. */
export const inboundKinds = ['bounce', 'complaint', 'unsubscribe', 'auto-reply', 'other'] as const;
export type InboundKind = (typeof inboundKinds)[number];

/** What handling it did: nothing changes for 'ignored'. */
export const inboundActions = ['suppressed', 'counted', 'unsubscribed', 'ignored'] as const;
export type InboundAction = (typeof inboundActions)[number];

/**
 * Every message that came back (a DSN, a complaint, a mailto unsubscribe,
 * an auto-reply, anything else) and every provider report: what it was,
 * whom it touched and what it did. No addresses are kept: the recipient is
 * named by its row, so erasure needs nothing here.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    channel: text('channel', { enum: inboundChannels }).notNull(),
    kind: text('kind', { enum: inboundKinds }).notNull(),
    /** Bounces: hard (5.x.x) or soft (4.x.x). */
    severity: text('severity', { enum: ['hard', 'soft'] }),
    /** The enhanced status code a bounce gave (5.1.1), or the provider's own type. */
    status: text('status'),
    /** The Message-ID of what came in (not of what we sent). */
    messageId: text('message_id'),
    /** Whom it touched: a subscriber or a feed recipient, by row. */
    audience: text('audience', { enum: ['subscriber', 'feed recipient'] }),
    recipientId: bigint('recipient_id', { mode: 'number' }),
    /** The delivery (deliveries or feed_deliveries row) and run a bounce or complaint was about, when its return path said. */
    deliveryId: bigint('delivery_id', { mode: 'number' }),
    runId: bigint('run_id', { mode: 'number' }).references(() => digestRuns.id, { onDelete: 'set null' }),
    /**
     * What kind of mail its return path named (mail/return-path.ts: digest, alert, subscriber-mail...): mails
     * without a delivery row number themselves apart (an alert mail and a confirmation may share an id).
     * Null before 0017 and for reports by address.
     */
    mailKind: text('mail_kind'),
    action: text('action', { enum: inboundActions }).notNull(),
    /** Why, in a few words: "5.1.1 from the return path", "token forged". */
    note: text('note'),
  },
  (table) => [
    index('inbound_messages_received_idx').on(table.receivedAt),
    index('inbound_messages_run_idx').on(table.runId),
    // A hard bounce of a mail without a delivery row is counted once: hardBounceCountedBefore looks its mail up by recipient.
    index('inbound_messages_recipient_idx').on(table.audience, table.recipientId, table.deliveryId).where(sql`recipient_id is not null`),
  ],
);

/**
 * Send jobs' recipients held back while their run is paused: a job that
 * finds its run paused parks what it has not sent here and ends; resuming
 * queues each parked batch again (claims keep it exactly once).
 */
export const parkedBatches = pgTable('parked_batches', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  runId: bigint('run_id', { mode: 'number' })
    .notNull()
    .references(() => digestRuns.id, { onDelete: 'cascade' }),
  audience: text('audience', { enum: ['subscriber', 'feed recipient'] }).notNull(),
  recipientIds: bigint('recipient_ids', { mode: 'number' }).array().notNull(),
  parkedAt: timestamp('parked_at', { withTimezone: true }).notNull().defaultNow(),
});
