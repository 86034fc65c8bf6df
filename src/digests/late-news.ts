import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db } from '../db/client.js';
import { deliveries, deliveryMeetings, type MeetingForm } from '../db/schema/index.js';
import type { MeetingView } from '../meetings/queries.js';

/**
 * "Since last week": a meeting held before the digest's week whose minutes,
 * decisions or summary were first published, or changed substantially,
 * during the week. Each recipient gets each form of a meeting once: its
 * agenda, then its minutes (a substantial correction moves the stamp, so it
 * is a new minutes form). The stamps say when; nothing is guessed from the
 * run's time. Pure functions, and the one query that asks what a batch's
 * recipients were already sent.
 */

/** What one digest carried of one meeting, recorded when it is settled as sent. */
export interface Carried {
  meetingId: number;
  form: MeetingForm;
  /** The form's last substantial change (ISO), null for an agenda never stamped. */
  changedAt: string | null;
}

/** When the meeting's minutes or summary last changed substantially; null while it has neither. */
export function minutesChangedAt(view: Pick<MeetingView, 'published'>): string | null {
  const stamps = [view.published.minutes?.changedAt, view.published.summary?.changedAt].filter((stamp): stamp is string => Boolean(stamp));
  return stamps.length ? stamps.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : null;
}

/** The form a meeting is in now: minutes once its minutes or summary are out, else its agenda. */
export function formOf(view: Pick<MeetingView, 'id' | 'published'>): Carried {
  const minutes = minutesChangedAt(view);
  if (minutes) return { meetingId: view.id, form: 'minutes', changedAt: minutes };
  return { meetingId: view.id, form: 'agenda', changedAt: view.published.agenda?.changedAt ?? null };
}

/** A meeting held before [from, to) is late news of that week when its minutes form changed within it. */
export function isLateNews(view: Pick<MeetingView, 'startsAt' | 'published'>, from: Date, to: Date): boolean {
  const changed = minutesChangedAt(view);
  if (!changed || Date.parse(view.startsAt) >= from.getTime()) return false;
  const at = Date.parse(changed);
  return at >= from.getTime() && at < to.getTime();
}

/** Per recipient, per meeting: the latest minutes form they were sent (epoch ms). */
export type SentMinutes = Map<number, Map<number, number>>;

/**
 * What a batch's recipients were already sent of the run's late meetings, in
 * one query (the index leads with audience and recipient).
 */
export async function sentMinutes(db: Db, audience: string, recipientIds: number[], meetingIds: number[]): Promise<SentMinutes> {
  const sent: SentMinutes = new Map();
  if (recipientIds.length === 0 || meetingIds.length === 0) return sent;
  const rows = await db
    .select({ recipientId: deliveryMeetings.recipientId, meetingId: deliveryMeetings.meetingId, changedAt: sql<number | null>`(extract(epoch from max(${deliveryMeetings.changedAt})) * 1000)::float8` })
    .from(deliveryMeetings)
    .where(
      and(
        eq(deliveryMeetings.audience, audience),
        // Array parameters: a batch's recipients as 100 parameters cost more to build than to run.
        sql`${deliveryMeetings.recipientId} = any(${pgArray(recipientIds, 'bigint')})`,
        sql`${deliveryMeetings.meetingId} = any(${pgArray(meetingIds, 'bigint')})`,
        eq(deliveryMeetings.form, 'minutes'),
      ),
    )
    .groupBy(deliveryMeetings.recipientId, deliveryMeetings.meetingId);
  for (const row of rows) {
    if (row.changedAt === null) continue;
    const mine = sent.get(row.recipientId) ?? new Map<number, number>();
    mine.set(row.meetingId, Number(row.changedAt));
    sent.set(row.recipientId, mine);
  }
  return sent;
}

/** The late meetings a recipient already has in their current form: left out of their digest. */
export function alreadyHad(late: readonly MeetingView[], sent: Map<number, number> | undefined): number[] {
  if (!sent) return [];
  return late.filter((view) => (sent.get(view.id) ?? -Infinity) >= Date.parse(minutesChangedAt(view)!)).map((view) => view.id);
}

/**
 * The late meetings a subscriber already had in their current form from the
 * digests of other weeks: what a preview of `week` leaves out, as that
 * week's run would. The week's own digest, once sent, is not counted, so
 * "view in your browser" still shows what it carried.
 */
export async function hadBefore(db: Db, subscriberId: number, week: string, late: readonly MeetingView[]): Promise<number[]> {
  const rows = await db
    .select({ meetingId: deliveryMeetings.meetingId, changedAt: sql<number | null>`(extract(epoch from max(${deliveryMeetings.changedAt})) * 1000)::float8` })
    .from(deliveryMeetings)
    .innerJoin(deliveries, eq(deliveries.id, deliveryMeetings.deliveryId))
    .where(
      and(
        eq(deliveryMeetings.audience, 'subscriber'),
        eq(deliveryMeetings.recipientId, subscriberId),
        inArray(deliveryMeetings.meetingId, late.map((view) => view.id)),
        eq(deliveryMeetings.form, 'minutes'),
        ne(deliveries.week, week),
      ),
    )
    .groupBy(deliveryMeetings.meetingId);
  return alreadyHad(late, new Map(rows.filter((row) => row.changedAt !== null).map((row) => [row.meetingId, Number(row.changedAt)])));
}
