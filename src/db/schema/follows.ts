import { bigint, bigserial, boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { meetings } from './meetings.js';
import { subscribers } from './subscribers.js';

/**
 * How a follow recognises its matter in a later agenda (follows/match.ts), strongest first:
 * a planning application reference in the item, the council site's issue id, or a phrase of the item's title.
 */
export const followKinds = ['reference', 'issue', 'phrase'] as const;
export type FollowKind = (typeof followKinds)[number];

/**
 * A subscriber following one matter (a planning application, a budget item)
 * through the meetings that list it. Erased with the subscriber.
 */
export const follows = pgTable(
  'follows',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriberId: bigint('subscriber_id', { mode: 'number' })
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: followKinds }).notNull(),
    /**
     * What is looked for, normalised: a reference upper-cased ("25/00912/FULM"), an issue as
     * `<council slug>:<issue id>`, or a phrase lower-cased with numbering and filler stripped.
     */
    value: text('value').notNull(),
    /** The item's title as the subscriber saw it when they followed it. */
    label: text('label').notNull(),
    /** The meeting it was followed from; null once that meeting is removed. */
    meetingId: bigint('meeting_id', { mode: 'number' }).references(() => meetings.id, { onDelete: 'set null' }),
    /** Mail an alert when a newly published agenda lists it (on by default; off per follow). */
    alerts: boolean('alerts').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('follows_subscriber_key_key').on(table.subscriberId, table.kind, table.value),
    // Matching a newly published agenda looks follows up by what they look for.
    index('follows_kind_value_idx').on(table.kind, table.value),
  ],
);
