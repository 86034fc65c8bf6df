import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { meetings } from '../db/schema/index.js';
import { findMeetings, type MeetingFilter, type MeetingView } from '../meetings/queries.js';
import type { FilterSet } from '../subscribers/filters.js';

/**
 * What a feed's filter set selects, through the one filter rule in
 * meetings/queries.ts: the preview a partner sees when asking, the items
 * API, and the Atom feed's entries.
 */

const day = 86_400_000;
export const previewDays = 28;
const previewExamples = 5;
/** How many entries the Atom feed keeps: the newest matching meetings, however old, so a quiet committee's feed is never blank. */
export const atomEntryLimit = 50;

/** The headings a feed matched in a meeting; with no topics or keywords every section counts. */
export function matchedHeadings(meeting: MeetingView, filters: FilterSet): string[] {
  const widened = filters.topics.length > 0 || filters.keywords.length > 0;
  return meeting.sections.filter((section) => !widened || section.matched).map((section) => section.heading);
}

/** Every meeting a filter selects, page by page: only for windows that hold a few weeks of meetings. */
async function allMeetings(db: Db, filter: MeetingFilter): Promise<MeetingView[]> {
  const found: MeetingView[] = [];
  let cursor: string | undefined;
  do {
    const page = await findMeetings(db, filter, { limit: 200, ...(cursor ? { cursor } : {}) });
    found.push(...page.meetings);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

export interface FeedPreview {
  from: Date;
  to: Date;
  meetings: number;
  sections: number;
  examples: { id: number; title: string; council: string; committee: string; startsAt: string; sections: string[] }[];
}

/** What a filter set would have matched over the last four weeks. */
export async function previewFeed(db: Db, filters: FilterSet, now: Date): Promise<FeedPreview> {
  const from = new Date(now.getTime() - previewDays * day);
  const found = await allMeetings(db, { ...filters, from, to: now });
  const headings = found.map((meeting) => matchedHeadings(meeting, filters));
  return {
    from,
    to: now,
    meetings: found.length,
    sections: headings.reduce((total, list) => total + list.length, 0),
    examples: found.slice(0, previewExamples).map((meeting, index) => ({
      id: meeting.id,
      title: meeting.title,
      council: meeting.council.name,
      committee: meeting.committee.name,
      startsAt: meeting.startsAt,
      sections: headings[index]!,
    })),
  };
}

/** A page of a feed's meetings starting at `since`, oldest first, sections flagged `matched`. */
export function feedItems(db: Db, filters: FilterSet, since: Date, page: { limit: number; cursor?: string }) {
  return findMeetings(db, { ...filters, from: since }, page);
}

export interface AtomMeeting {
  meeting: MeetingView;
  /**
   * The entry's <updated>: when a part of the meeting (agenda, minutes and
   * decisions, summary) was last published or changed substantially, so a
   * reader shows the entry again when its minutes arrive and not for a typo;
   * when the row was last written, for a meeting stored before stamps were kept.
   */
  updatedAt: Date;
  headings: string[];
}

/**
 * The newest matching meetings that started before `now`, whatever their
 * age, newest first, with when each last changed. Readers dedupe by entry id,
 * so a meeting staying in the feed for months shows once.
 */
export async function atomMeetings(db: Db, filters: FilterSet, now: Date): Promise<AtomMeeting[]> {
  const { meetings: found } = await findMeetings(db, { ...filters, to: now }, { limit: atomEntryLimit, newestFirst: true });
  const stamps = found.length
    ? await db.select({ id: meetings.id, updatedAt: meetings.updatedAt }).from(meetings).where(inArray(meetings.id, found.map((meeting) => meeting.id)))
    : [];
  const updated = new Map(stamps.map((row) => [row.id, row.updatedAt]));
  return found.map((meeting) => ({ meeting, updatedAt: lastPublished(meeting) ?? updated.get(meeting.id)!, headings: matchedHeadings(meeting, filters) }));
}

/** The newest of a meeting's publication stamps, if it has any. */
export function lastPublished(meeting: Pick<MeetingView, 'published'>): Date | undefined {
  const stamps = Object.values(meeting.published).flatMap((stamp) => (stamp ? [Date.parse(stamp.changedAt)] : []));
  return stamps.length ? new Date(Math.max(...stamps)) : undefined;
}
