import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { councils } from './meetings.js';

export const sourceKinds = ['moderngov'] as const;
export type SourceKind = (typeof sourceKinds)[number];

/** A council's own publishing site, read by harvests (see docs/harvest.md). */
export const sources = pgTable(
  'sources',
  {
    id: serial('id').primaryKey(),
    councilId: integer('council_id')
      .notNull()
      .references(() => councils.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: sourceKinds }).notNull(),
    /** The site's base URL, sub-path included (https://example.gov.uk/moderngov), without a trailing slash. */
    url: text('url').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    lastHarvestAt: timestamp('last_harvest_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    /** Harvests in a row that read nothing at all; a success sets it back to 0. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /**
     * Why the source is failing, in words, when what its harvests read says so even though they
     * did not fail ("read 14 meetings and no agenda items: ..."), or the site refuses us
     * ("robots.txt disallows ...", "refused by the site (403)"); null when healthy.
     */
    healthNote: text('health_note'),
    /** Seconds one request to this site may take; null: HARVEST_TIMEOUT_SECONDS. */
    timeoutSeconds: integer('timeout_seconds'),
    /** The site's robots.txt as last read (kept a day): see harvest/robots.ts. */
    robots: jsonb('robots').$type<RobotsVerdict>(),
    /** An operator's record that the council has given permission to harvest despite robots.txt (audited). */
    robotsPermission: text('robots_permission'),
    robotsPermissionAt: timestamp('robots_permission_at', { withTimezone: true }),
    /** The last `sources check` of the site: what an operator sees on day one. */
    lastCheck: jsonb('last_check').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('sources_council_kind_key').on(table.councilId, table.kind)],
);

export const harvestStatuses = ['queued', 'running', 'finished', 'failed'] as const;
export type HarvestStatus = (typeof harvestStatuses)[number];

/** What robots.txt says of our User-Agent and mgWebService.asmx. */
export interface RobotsVerdict {
  /** allowed (or no rule applies), disallowed, missing (404 and the like: no robots.txt), unreachable (5xx, network). */
  verdict: 'allowed' | 'disallowed' | 'missing' | 'unreachable';
  /** The rule that decided, as written ("Disallow: /mgWebService.asmx"), when one did. */
  rule?: string;
  /** The HTTP status robots.txt was answered with. */
  status?: number;
  /** ISO time it was read. */
  checkedAt: string;
}

/** Kinds of warning a harvest raises when what it read disagrees with what the site says it published. */
export const harvestWarningKinds = ['no-items', 'no-minutes', 'no-decision', 'bad-date', 'bad-time', 'unknown-element'] as const;
export type HarvestWarningKind = (typeof harvestWarningKinds)[number];

export interface HarvestWarning {
  kind: HarvestWarningKind;
  /** The site's meeting id (and item id) it was seen on. */
  meeting?: string;
  message: string;
}

export interface HarvestError {
  /** The site's meeting id, or the committee, that could not be read; absent for the harvest as a whole. */
  meeting?: string;
  message: string;
}

/** One reading of one source over a window of days. */
export const harvests = pgTable(
  'harvests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    status: text('status', { enum: harvestStatuses }).notNull().default('queued'),
    /** How it started: schedule, api, cli. */
    trigger: text('trigger').notNull(),
    fromDate: date('from_date').notNull(),
    toDate: date('to_date').notNull(),
    /** Meetings in the window, known once the committees' lists are read; `done` counts up to it. */
    total: integer('total').notNull().default(0),
    done: integer('done').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    /** Agenda items read over every meeting (exempt ones included): 0 with meetings read means the site's answers may have changed shape. */
    items: integer('items').notNull().default(0),
    errors: jsonb('errors').$type<HarvestError[]>().notNull().default([]),
    /** What was read but disagreed with what the site says it published (at most 100 kept; `warningCount` counts all). */
    warnings: jsonb('warnings').$type<HarvestWarning[]>().notNull().default([]),
    warningCount: integer('warning_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('harvests_source_idx').on(table.sourceId, table.id),
    // At most one harvest of a source waits or runs at a time: a second request joins it.
    uniqueIndex('harvests_source_active_key').on(table.sourceId).where(sql`status in ('queued', 'running')`),
  ],
);
