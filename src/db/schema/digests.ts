import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { subscribers } from './subscribers.js';

/** paused: past a bounce or complaint rate (digests/guard-rails.ts) until an operator resumes or cancels it. */
export const runStatuses = ['queued', 'fanning_out', 'sending', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

/**
 * One weekly run. A real run is unique per week: a second trigger for the
 * same week joins the first. Dry runs are never unique (each is a rehearsal).
 */
export const digestRuns = pgTable(
  'digest_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The Monday that starts the week (in DIGEST_TZ). */
    week: date('week').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    status: text('status', { enum: runStatuses }).notNull().default('queued'),
    /** How it started: schedule, api, cli, demo. */
    trigger: text('trigger').notNull(),
    total: integer('total').notNull().default(0),
    sent: integer('sent').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** Fan-out progress: the last subscriber id queued, so an interrupted fan-out resumes. */
    cursor: bigint('cursor', { mode: 'number' }).notNull().default(0),
    /** The same for feed recipients, walked after the subscribers. */
    feedCursor: bigint('feed_cursor', { mode: 'number' }).notNull().default(0),
    /** Dry runs keep a few rendered samples for the operator. */
    samples: jsonb('samples').$type<{ email: string; subject: string; meetings: number; sections: number }[]>().notNull().default([]),
    error: text('error'),
    /** Deliveries of this run reported as hard bounces (at send time or later) and as complaints, each counted once. */
    hardBounces: integer('hard_bounces').notNull().default(0),
    complaints: integer('complaints').notNull().default(0),
    /** Why the run paused itself; cleared when an operator resumes it. */
    pausedReason: text('paused_reason'),
    /** The counts when an operator last resumed it: it pauses again only when a report comes in after that. */
    hardBouncesAtResume: integer('hard_bounces_at_resume').notNull().default(0),
    complaintsAtResume: integer('complaints_at_resume').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    fannedOutAt: timestamp('fanned_out_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('digest_runs_week_key').on(table.week).where(sql`not dry_run`)],
);

/**
 * claimed: a worker holds it and may be talking to SMTP; retry: a transient
 * failure (or an operator's retry) released it for the next attempt.
 */
export const deliveryStatuses = ['claimed', 'retry', 'sent', 'skipped', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * The columns every delivery table shares (subscribers' and feed
 * recipients'): one life, claimed → sent | skipped | failed, and one set of
 * statements in digests/delivery-repo.ts works on both. A function, because
 * drizzle's column builders belong to one table each.
 */
export function deliveryLifecycle() {
  return {
    runId: bigint('run_id', { mode: 'number' })
      .notNull()
      .references(() => digestRuns.id, { onDelete: 'cascade' }),
    week: date('week').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('claimed'),
    /** Derived from (recipient, week): a resend after a crash carries the same id. */
    messageId: text('message_id').notNull(),
    attempts: smallint('attempts').notNull().default(0),
    meetings: smallint('meetings').notNull().default(0),
    sections: smallint('sections').notNull().default(0),
    subject: text('subject'),
    error: text('error'),
    /** Added to the run's counters: a batch counts what it settled exactly once, even when retried. */
    counted: boolean('counted').notNull().default(false),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** When a hard bounce or a complaint about this delivery was first recorded: the run counts each once. */
    bouncedAt: timestamp('bounced_at', { withTimezone: true }),
    complainedAt: timestamp('complained_at', { withTimezone: true }),
  };
}

/**
 * At most one digest per subscriber per week: the row is claimed before the
 * SMTP call and marked sent with the Message-ID after the server accepts.
 * Erasure nulls the subscriber and keeps the row, so counts survive.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriberId: bigint('subscriber_id', { mode: 'number' }).references(() => subscribers.id, { onDelete: 'set null' }),
    ...deliveryLifecycle(),
  },
  (table) => [
    uniqueIndex('deliveries_subscriber_week_key').on(table.subscriberId, table.week),
    index('deliveries_run_status_idx').on(table.runId, table.status),
  ],
);
