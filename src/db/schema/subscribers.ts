import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const subscriberStatuses = ['pending', 'active', 'paused', 'unsubscribed', 'erased'] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

export const subscribers = pgTable(
  'subscribers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What link tokens name: random, so a token never reveals or enumerates row ids. */
    publicId: uuid('public_id').notNull().defaultRandom().unique(),
    /** As given (display); null once erased. */
    email: text('email'),
    /** Lower-cased, IDN domain in punycode: the uniqueness key; null once erased. */
    emailKey: text('email_key'),
    status: text('status', { enum: subscriberStatuses }).notNull().default('pending'),
    /** Bumped by unsubscribe and erase: every link issued before stops working. */
    tokenVersion: integer('token_version').notNull().default(1),
    // The filter set (see meetings/queries.ts for the matching rule).
    councils: text('councils').array().notNull().default(sql`'{}'::text[]`),
    committees: text('committees').array().notNull().default(sql`'{}'::text[]`),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    /** sha256 of the normalised filter set: subscribers who share it share one build per run. */
    filterKey: text('filter_key').notNull(),
    /** How consent was given: form, api, import (with the importer's note). */
    consentSource: text('consent_source').notNull().default('form'),
    consentNote: text('consent_note'),
    hardBounces: smallint('hard_bounces').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('subscribers_email_key_key').on(table.emailKey).where(sql`email_key is not null`),
    // The weekly fan-out walks active subscribers in id order (keyset pagination).
    index('subscribers_active_idx').on(table.id).where(sql`status = 'active'`),
    index('subscribers_filter_key_idx').on(table.filterKey),
  ],
);

/** Addresses no digest or confirmation is ever sent to, whoever asks. */
export const suppressions = pgTable('suppressions', {
  emailKey: text('email_key').primaryKey(),
  reason: text('reason', { enum: ['hard_bounce', 'complaint', 'manual'] }).notNull(),
  note: text('note'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every message to a subscriber outside the weekly run (confirmation, manage link), for rate limits and audit. */
export const subscriberEmails = pgTable(
  'subscriber_emails',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriberId: bigint('subscriber_id', { mode: 'number' }).references(() => subscribers.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: ['confirm', 'manage'] }).notNull(),
    messageId: text('message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('subscriber_emails_subscriber_idx').on(table.subscriberId, table.sentAt)],
);
