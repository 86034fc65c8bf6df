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
import { deliveryLifecycle } from './digests.js';

/** An organisation that asks for feeds through the partner API. */
export const partners = pgTable(
  'partners',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    /** Where approval and rejection notices go. */
    contactEmail: text('contact_email').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('partners_name_key').on(sql`lower(${table.name})`)],
);

/**
 * A partner's API keys: `cdp_<prefix>_<secret>`. Only the prefix (to find the
 * row) and a sha256 of the whole key are kept; the key itself is shown once.
 */
export const partnerKeys = pgTable(
  'partner_keys',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    partnerId: bigint('partner_id', { mode: 'number' })
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    prefix: text('prefix').notNull().unique(),
    hash: text('hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('partner_keys_partner_idx').on(table.partnerId)],
);

export const feedStatuses = ['requested', 'active', 'rejected'] as const;
export type FeedStatus = (typeof feedStatuses)[number];

/** A partner's filter set with recipients and a secret Atom URL; live once an operator approves it. */
export const feeds = pgTable(
  'feeds',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What URLs name: random, so ids cannot be guessed or enumerated across partners. */
    publicId: uuid('public_id').notNull().defaultRandom().unique(),
    partnerId: bigint('partner_id', { mode: 'number' })
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status', { enum: feedStatuses }).notNull().default('requested'),
    // The filter set (see meetings/queries.ts for the matching rule).
    councils: text('councils').array().notNull().default(sql`'{}'::text[]`),
    committees: text('committees').array().notNull().default(sql`'{}'::text[]`),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    /** sha256 of the normalised filter set, as subscribers have: equal sets share one build per run. */
    filterKey: text('filter_key').notNull(),
    /** sha256 of the secret in the Atom URL; rotating it replaces the hash, so the old URL dies. */
    atomTokenHash: text('atom_token_hash').notNull(),
    atomTokenCreatedAt: timestamp('atom_token_created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The operator's note on approval or rejection, as the partner was told it. */
    decisionNote: text('decision_note'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('feeds_partner_idx').on(table.partnerId),
    // Operators list open requests oldest first.
    index('feeds_status_created_idx').on(table.status, table.createdAt),
  ],
);

export const feedRecipientStatuses = ['pending', 'active', 'unsubscribed'] as const;
export type FeedRecipientStatus = (typeof feedRecipientStatuses)[number];

/** One address a feed is mailed to; nothing is sent until the address confirms (double opt-in). */
export const feedRecipients = pgTable(
  'feed_recipients',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What link tokens name, never the row id. */
    publicId: uuid('public_id').notNull().defaultRandom().unique(),
    feedId: bigint('feed_id', { mode: 'number' })
      .notNull()
      .references(() => feeds.id, { onDelete: 'cascade' }),
    /** As given (display and delivery). */
    email: text('email').notNull(),
    /** Lower-cased, IDN domain in punycode: unique within a feed. */
    emailKey: text('email_key').notNull(),
    status: text('status', { enum: feedRecipientStatuses }).notNull().default('pending'),
    /** Bumped by unsubscribe: confirmation links mailed before stop working. */
    tokenVersion: integer('token_version').notNull().default(1),
    /** Permanent SMTP refusals of this recipient's digests; at HARD_BOUNCE_LIMIT the address is suppressed. */
    hardBounces: smallint('hard_bounces').notNull().default(0),
    confirmationSentAt: timestamp('confirmation_sent_at', { withTimezone: true }),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('feed_recipients_feed_email_key').on(table.feedId, table.emailKey),
    // The weekly fan-out walks active recipients in id order (keyset pagination).
    index('feed_recipients_active_idx').on(table.id).where(sql`status = 'active'`),
  ],
);

/**
 * At most one feed digest per recipient per week, with the same life as
 * `deliveries`: claimed before the SMTP call, marked sent with the
 * Message-ID after the server accepts. A recipient on two feeds is two rows
 * of feed_recipients, so gets each feed once.
 */
export const feedDeliveries = pgTable(
  'feed_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recipientId: bigint('recipient_id', { mode: 'number' }).references(() => feedRecipients.id, { onDelete: 'set null' }),
    feedId: bigint('feed_id', { mode: 'number' }).references(() => feeds.id, { onDelete: 'set null' }),
    ...deliveryLifecycle(),
  },
  (table) => [
    uniqueIndex('feed_deliveries_recipient_week_key').on(table.recipientId, table.week),
    index('feed_deliveries_run_status_idx').on(table.runId, table.status),
  ],
);
