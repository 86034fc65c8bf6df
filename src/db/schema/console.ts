import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** What an operator may do; each role includes the ones before it. */
export const operatorRoles = ['viewer', 'operator', 'owner'] as const;
export type OperatorRole = (typeof operatorRoles)[number];

/** A named person who runs the service from the console. */
export const operators = pgTable('operators', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** As given (display). */
  email: text('email').notNull(),
  /** Lower-cased, IDN domain in punycode: how sign-in finds the operator. */
  emailKey: text('email_key').notNull().unique(),
  role: text('role', { enum: operatorRoles }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** An emailed sign-in link: only its sha256 is kept; it works once, until expires_at. */
export const operatorSignInTokens = pgTable(
  'operator_sign_in_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    operatorId: bigint('operator_id', { mode: 'number' })
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    hash: text('hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (table) => [index('operator_sign_in_tokens_operator_idx').on(table.operatorId)],
);

/**
 * A signed-in browser. The row is keyed by the sha256 of the session id (a
 * database leak gives nobody a session); removing the operator removes it.
 */
export const operatorSessions = pgTable(
  'operator_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    operatorId: bigint('operator_id', { mode: 'number' })
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    /** What the session plugin keeps (its cookie settings and our fields). */
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Pushed forward on every request: the idle limit. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('operator_sessions_operator_idx').on(table.operatorId)],
);

/** Personal API tokens: `cdo_<prefix>_<secret>`, kept as the prefix and a sha256. */
export const operatorApiTokens = pgTable(
  'operator_api_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    operatorId: bigint('operator_id', { mode: 'number' })
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull().unique(),
    hash: text('hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('operator_api_tokens_operator_idx').on(table.operatorId)],
);

/**
 * One row per change an operator made. Append-only: nothing in the service
 * updates or deletes it, and it names people by text so it outlives them.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The operator's address, "admin-token", or "<token name> (<address>)". */
    actor: text('actor').notNull(),
    /** Kept as a plain number (no foreign key): the row stays when the operator goes. */
    operatorId: bigint('operator_id', { mode: 'number' }),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
    ip: text('ip'),
  },
  (table) => [index('audit_log_object_idx').on(table.objectType, table.objectId)],
);
