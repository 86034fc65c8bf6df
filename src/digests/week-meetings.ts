import { sql, type AnyColumn } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db } from '../db/client.js';
import { meetings, sections } from '../db/schema/index.js';
import { loadMeetingViews, type MeetingFilter, type MeetingView } from '../meetings/queries.js';
import { itemOffers, matchFollows, type FollowRow, type ItemOffer } from '../follows/find.js';
import type { FollowedMeetings } from './compose.js';
import { isLateNews } from './late-news.js';

/** Whose follows: some subscribers', or follows read already. */
export type FollowsOf = { subscriberIds: readonly number[] } | { follows: readonly FollowRow[] };

/**
 * A run's meetings in memory: the week's and the fortnight's after it,
 * loaded once per run in each worker, with findMeetings' filter rule applied
 * here instead of one query per filter set. Keywords are the part only
 * Postgres can judge (its English stemming and web-search syntax), so each
 * distinct keyword is asked once per run, all of a batch's new ones in one
 * query. tests/digests/week-meetings.test.ts holds every answer to
 * findMeetings' own.
 */
export interface RangeMeetings {
  /** In findMeetings' order: start, then id. */
  views: MeetingView[];
  sectionIds: number[][];
}

/** What one keyword matches among the loaded meetings, and where those meetings are in each range. */
interface KeywordMatch {
  sections: Set<number>;
  meetings: Set<number>;
  positions: Record<Range, number[]>;
}

/** Meetings listing what one subscriber follows, and a key equal for equal ones. */
export type Followed = FollowedMeetings & { key: string };

/** The week's meetings, the fortnight's after it, and the late news: meetings held before it whose minutes came in it (late-news.ts). */
type Range = 'held' | 'upcoming' | 'late';
const ranges = ['held', 'upcoming', 'late'] as const;

export class WeekMeetings {
  private readonly keywords = new Map<string, KeywordMatch>();
  private readonly selections = new Map<string, MeetingView>();
  /** Where a meeting is in its range, by id. */
  private readonly position = new Map<number, { range: Range; index: number }>();
  /** The meetings (positions) tagged with a topic, on the meeting or any section. */
  private readonly topics: Record<Range, Map<string, number[]>> = { held: new Map(), upcoming: new Map(), late: new Map() };
  /** Every loaded meeting's id, and the meeting each section belongs to: what a keyword query asks about and answers. */
  private readonly meetingIds: number[] = [];
  private readonly sectionMeeting = new Map<number, number>();
  /** The week's and the fortnight's agenda items as follows see them: read at the first batch with a follower, kept for the run. */
  private offers: Promise<ItemOffer[]> | undefined;

  private constructor(
    private readonly db: Db,
    readonly held: RangeMeetings,
    readonly upcoming: RangeMeetings,
    readonly late: RangeMeetings,
  ) {
    for (const range of ranges) {
      this[range].views.forEach((view, index) => {
        this.position.set(view.id, { range, index });
        this.meetingIds.push(view.id);
        for (const sectionId of this[range].sectionIds[index]!) this.sectionMeeting.set(sectionId, view.id);
        for (const topic of new Set([...view.topics, ...view.sections.flatMap((section) => section.topics)])) {
          this.topics[range].set(topic, [...(this.topics[range].get(topic) ?? []), index]);
        }
      });
    }
  }

  /**
   * Meetings starting in [from, to) and in [to, ahead), and those held before
   * `from` whose minutes or summary changed in [from, to), with every child
   * row, in a fixed number of queries.
   */
  static async load(db: Db, range: { from: Date; to: Date; ahead: Date }): Promise<WeekMeetings> {
    const [from, to] = [range.from.toISOString(), range.to.toISOString()];
    const changedInWeek = (column: AnyColumn) => sql`(${column} >= ${from} and ${column} < ${to})`;
    const rows = await db
      .select({ id: meetings.id, startsAt: meetings.startsAt })
      .from(meetings)
      .where(
        sql`(${meetings.startsAt} >= ${from} and ${meetings.startsAt} < ${range.ahead.toISOString()})
          or (${meetings.startsAt} < ${from} and (${changedInWeek(meetings.minutesChangedAt)} or ${changedInWeek(meetings.summaryChangedAt)}))`,
      )
      .orderBy(meetings.startsAt, meetings.id);
    const loaded = new Map((await loadMeetingViews(db, rows.map((row) => row.id))).map((view) => [view.id, view]));
    const part = (inRange: (startsAt: Date) => boolean, keep: (view: MeetingView) => boolean = () => true): RangeMeetings => {
      const views = rows.filter((row) => inRange(row.startsAt)).map((row) => loaded.get(row.id)!).filter(keep);
      return { views: views.map(({ sectionIds: _ids, ...view }) => view), sectionIds: views.map((view) => view.sectionIds) };
    };
    return new WeekMeetings(
      db,
      part((startsAt) => startsAt >= range.from && startsAt < range.to),
      part((startsAt) => startsAt >= range.to),
      part((startsAt) => startsAt < range.from, (view) => isLateNews(view, range.from, range.to)),
    );
  }

  /** Asks Postgres, in one query, what the keywords it has not seen match; the rest is memory. */
  async learnKeywords(keywords: Iterable<string>): Promise<void> {
    const unknown = [...new Set(keywords)].filter((keyword) => !this.keywords.has(keyword));
    if (unknown.length === 0) return;
    const idList = pgArray(this.meetingIds, 'bigint');
    const result = await this.db.execute<{ keyword: string; sections: string[]; meetings: string[] }>(sql`
      select k.keyword,
        array(select s.id from ${sections} s where s.meeting_id = any(${idList})
          and s.search @@ websearch_to_tsquery('english', k.keyword)) as sections,
        array(select m.id from ${meetings} m where m.id = any(${idList})
          and m.search @@ websearch_to_tsquery('english', k.keyword)) as meetings
      from unnest(${pgArray(unknown, 'text')}) as k(keyword)`);
    for (const row of result.rows) {
      const match: KeywordMatch = { sections: new Set(row.sections.map(Number)), meetings: new Set(row.meetings.map(Number)), positions: { held: [], upcoming: [], late: [] } };
      for (const id of new Set([...match.meetings, ...[...match.sections].map((section) => this.sectionMeeting.get(section)!)])) {
        const where = this.position.get(id)!;
        match.positions[where.range].push(where.index);
      }
      this.keywords.set(row.keyword, match);
    }
  }

  /**
   * For each of these subscribers who follows something listed this week or
   * in the fortnight after: those meetings, each with only the followed
   * items flagged, and a key naming them (equal keys, equal meetings, so
   * digests can be shared). `who` names the subscribers (their follows read
   * in one query) or hands over their follows, read already (a send batch
   * reads them with its recipients); see follows/find.ts. The items those are
   * matched against are read once per run, and not at all while no batch has
   * a follower.
   */
  async followedBy(who: FollowsOf): Promise<Map<number, Followed>> {
    const found = new Map<number, Followed>();
    const offersOf = () => {
      if (!this.offers) {
        this.offers = itemOffers(this.db, [...this.held.views, ...this.upcoming.views].map((view) => view.id));
        // A failed read (a database blip) is forgotten, so the batch's retry reads again.
        this.offers.catch(() => (this.offers = undefined));
      }
      return this.offers;
    };
    const bySubscriber = new Map<number, Map<number, Set<number>>>();
    for (const match of await matchFollows(this.db, offersOf, who)) {
      const meetings = bySubscriber.get(match.subscriberId) ?? new Map<number, Set<number>>();
      bySubscriber.set(match.subscriberId, meetings.set(match.meetingId, (meetings.get(match.meetingId) ?? new Set()).add(match.sectionId)));
    }
    for (const [subscriberId, meetings] of bySubscriber) {
      const followed: Followed = { held: [], upcoming: [], key: '' };
      for (const id of [...meetings.keys()].sort((a, b) => a - b)) {
        const { range, index } = this.position.get(id)!;
        if (range === 'late') continue;
        const sectionIds = meetings.get(id)!;
        const flags = this[range].sectionIds[index]!.map((sectionId) => sectionIds.has(sectionId));
        const key = `follow:${range}:${index}:${flags.map(Number).join('')}`;
        let flagged = this.selections.get(key);
        if (!flagged) {
          const view = this[range].views[index]!;
          flagged = { ...view, matched: false, sections: view.sections.map((section, position) => ({ ...section, matched: flags[position]! })) };
          this.selections.set(key, flagged);
        }
        followed[range].push(flagged);
        followed.key += `${followed.key ? ',' : ''}${key.slice('follow:'.length)}`;
      }
      found.set(subscriberId, followed);
    }
    return found;
  }

  /**
   * What findMeetings would answer for these filters over one range: the
   * same meetings in the same order, with the same `matched` flags. Equal
   * selections give the same objects, so what is built from them can be
   * shared. Keywords must have been learnt first.
   */
  select(filter: Pick<MeetingFilter, 'councils' | 'committees' | 'topics' | 'keywords'>, range: Range): MeetingView[] {
    const { views, sectionIds } = this[range];
    const keywords = (filter.keywords ?? []).map((keyword) => {
      const match = this.keywords.get(keyword);
      if (!match) throw new Error(`keyword "${keyword}" was not learnt before select`);
      return match;
    });
    // Most weeks have no late news, and every recipient's is asked for: nothing to look at.
    if (views.length === 0) return [];
    const councils = filter.councils ?? [];
    const committees = filter.committees ?? [];
    const topics = new Set(filter.topics ?? []);
    const widened = topics.size > 0 || keywords.length > 0;
    // A topic or keyword can only select the meetings it is in: look at those alone, in order.
    const candidates = widened
      ? [...new Set([...[...topics].flatMap((topic) => this.topics[range].get(topic) ?? []), ...keywords.flatMap((match) => match.positions[range])])].sort((a, b) => a - b)
      : views.map((_view, index) => index);
    const chosen: MeetingView[] = [];
    for (const index of candidates) {
      const view = views[index]!;
      if (councils.length && !councils.includes(view.council.slug)) continue;
      if (committees.length && !committees.includes(view.committee.slug) && !committees.includes(`${view.council.slug}/${view.committee.slug}`)) continue;
      if (!widened) {
        chosen.push(view);
        continue;
      }
      const sectionFlags = view.sections.map(
        (section, position) =>
          section.topics.some((topic) => topics.has(topic)) || keywords.some((match) => match.sections.has(sectionIds[index]![position]!)),
      );
      const meetingFlag = view.topics.some((topic) => topics.has(topic)) || keywords.some((match) => match.meetings.has(view.id));
      if (!meetingFlag && !sectionFlags.includes(true)) continue;
      // One 0/1 per section, then the meeting's own flag.
      const key = `${range}:${index}:${sectionFlags.map(Number).join('')}${Number(meetingFlag)}`;
      let flagged = this.selections.get(key);
      if (!flagged) {
        flagged = { ...view, matched: meetingFlag, sections: view.sections.map((section, position) => ({ ...section, matched: sectionFlags[position]! })) };
        this.selections.set(key, flagged);
      }
      chosen.push(flagged);
    }
    return chosen;
  }
}
