import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db } from '../db/client.js';
import { committees, councils, meetings, sections } from '../db/schema/index.js';
import { itemOffers, matchFollows } from '../follows/find.js';
import { findMeetingIds, httpUrl, meetingHeads, type MeetingFilter } from '../meetings/queries.js';
import { findSubscriberByPublicId } from '../subscribers/repo.js';
import { checkClaims, readToken, TokenError } from '../tokens/signed-links.js';
import type { CalendarMeeting } from './ics.js';

/** A feed holds the meetings from this many days back to this many ahead of the day it is read. */
export const calendarDaysBack = 14;
export const calendarDaysAhead = 84;

/** not_found: no such council or committee; gone: the subscriber unsubscribed or was erased. */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  constructor(
    readonly problem: 'not_found' | 'gone',
    message: string,
  ) {
    super(message);
  }
}

export interface CalendarFeed {
  name: string;
  meetings: CalendarMeeting[];
}

const dayMs = 86_400_000;

export function calendarWindow(now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - calendarDaysBack * dayMs), to: new Date(now.getTime() + calendarDaysAhead * dayMs) };
}

/** A council's meetings, or one committee's, by the slugs /api/meetings uses. */
export async function councilFeed(db: Db, slugs: { council: string; committee?: string }, now: Date): Promise<CalendarFeed> {
  const [council] = await db.select({ id: councils.id, name: councils.name }).from(councils).where(eq(councils.slug, slugs.council));
  if (!council) throw new CalendarError('not_found', `No council "${slugs.council}"; GET /api/councils lists them.`);
  if (slugs.committee === undefined) {
    return { name: `${council.name} meetings`, meetings: await calendarMeetings(db, { councils: [slugs.council] }, now) };
  }
  const [committee] = await db
    .select({ name: committees.name })
    .from(committees)
    .where(and(eq(committees.councilId, council.id), eq(committees.slug, slugs.committee)));
  if (!committee) throw new CalendarError('not_found', `No committee "${slugs.committee}" of ${council.name}; GET /api/councils lists them.`);
  return {
    name: `${committee.name}, ${council.name}`,
    meetings: await calendarMeetings(db, { councils: [slugs.council], committees: [`${slugs.council}/${slugs.committee}`] }, now),
  };
}

/**
 * A subscriber's own calendar: the meetings their filter set selects, by the
 * rule digests and /api/meetings use, and every meeting in the window listing
 * an item they follow (follows/), whatever their filters. The link lasts as long as the
 * subscription (paused included); after an unsubscribe or erasure it is gone.
 * A damaged or forged link is a TokenError, answered as every other link's.
 */
export async function subscriberFeed(deps: { db: Db; secret: string; now: Date }, token: string): Promise<CalendarFeed> {
  const claims = readToken(deps.secret, token);
  try {
    checkClaims(claims, 'calendar', deps.now);
  } catch (error) {
    if (error instanceof TokenError && error.problem === 'expired') throw new CalendarError('gone', 'This calendar has ended.');
    throw error;
  }
  const subscriber = await findSubscriberByPublicId(deps.db, claims.subject);
  const current = subscriber && subscriber.tokenVersion === claims.version && (subscriber.status === 'active' || subscriber.status === 'paused');
  if (!current) throw new CalendarError('gone', 'This calendar has ended: its subscription was cancelled.');
  const { councils: chosen, committees: bodies, topics, keywords } = subscriber;
  const chosenMeetings = await calendarMeetings(deps.db, { councils: chosen, committees: bodies, topics, keywords }, deps.now);
  const followed = await followedMeetings(deps.db, subscriber.id, deps.now, new Set(chosenMeetings.map((meeting) => meeting.id)));
  const all = followed.length ? [...chosenMeetings, ...followed].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id) : chosenMeetings;
  return { name: 'Council meetings for you (Council Digest)', meetings: all };
}

/**
 * The window's meetings listing an item the subscriber follows, less those
 * already in the feed: nothing is read for a subscriber who follows nothing.
 */
async function followedMeetings(db: Db, subscriberId: number, now: Date, already: Set<number>): Promise<CalendarMeeting[]> {
  const windowItems = async () => {
    const { from, to } = calendarWindow(now);
    const inWindow = await db.select({ id: meetings.id }).from(meetings).where(and(gte(meetings.startsAt, from), lt(meetings.startsAt, to)));
    return itemOffers(db, inWindow.map((row) => row.id));
  };
  const matches = await matchFollows(db, windowItems, { subscriberIds: [subscriberId] });
  return meetingsByIds(db, [...new Set(matches.map((match) => match.meetingId))].filter((id) => !already.has(id)));
}

/**
 * The meetings a filter selects in the window around `now`, by the rule
 * digests and /api/meetings follow (`findMeetingIds`), with only what an
 * event is made of: three queries whatever the number of meetings, and none
 * of the minutes, papers or attendees a meeting's whole view carries.
 */
async function calendarMeetings(db: Db, filter: MeetingFilter, now: Date): Promise<CalendarMeeting[]> {
  return meetingsByIds(db, await findMeetingIds(db, { ...filter, ...calendarWindow(now) }));
}

/** These meetings as events need them, in this order. */
async function meetingsByIds(db: Db, ids: number[]): Promise<CalendarMeeting[]> {
  if (ids.length === 0) return [];
  const [heads, items] = await Promise.all([
    meetingHeads(db, ids),
    // The agenda items: level 1 sections, in the council's order.
    db
      .select({ meetingId: sections.meetingId, number: sections.number, heading: sections.heading })
      .from(sections)
      .where(and(sql`${sections.meetingId} = any(${pgArray(ids, 'bigint')})`, eq(sections.level, 1)))
      .orderBy(asc(sections.meetingId), asc(sections.position)),
  ]);
  const itemsOf = new Map<number, CalendarMeeting['items']>();
  for (const { meetingId, number, heading } of items) {
    const list = itemsOf.get(meetingId);
    if (list) list.push({ number, heading });
    else itemsOf.set(meetingId, [{ number, heading }]);
  }
  return ids.map((id) => {
    const head = heads.get(id)!;
    return { ...head, councilUrl: httpUrl(head.councilUrl), items: itemsOf.get(id) ?? [] };
  });
}
