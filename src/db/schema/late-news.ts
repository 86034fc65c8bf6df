import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { meetings } from './meetings.js';

/** The forms in which a meeting reaches a recipient, each at most once: its agenda, then its minutes and decisions. */
export const meetingForms = ['agenda', 'minutes'] as const;
export type MeetingForm = (typeof meetingForms)[number];

/**
 * What each sent digest carried: one row per meeting, the form it was in and
 * that form's `changed_at` stamp. Written in the statement that settles the
 * delivery as sent, so a later digest's "Since last week" leaves out what a
 * recipient already has. The recipient is named by its id in its audience
 * ('deliveries' for subscribers, 'feed_deliveries' for feed recipients); no
 * address is kept, so erasure needs nothing here.
 */
export const deliveryMeetings = pgTable(
  'delivery_meetings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    audience: text('audience').notNull(),
    recipientId: bigint('recipient_id', { mode: 'number' }).notNull(),
    deliveryId: bigint('delivery_id', { mode: 'number' }).notNull(),
    meetingId: bigint('meeting_id', { mode: 'number' })
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    form: text('form', { enum: meetingForms }).notNull(),
    /** The form's last substantial change as sent; null for an agenda with no stamp (stored before stamps were kept). */
    changedAt: timestamp('changed_at', { withTimezone: true }),
  },
  (table) => [index('delivery_meetings_recipient_idx').on(table.audience, table.recipientId, table.meetingId)],
);
