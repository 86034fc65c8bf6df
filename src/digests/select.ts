import { LRUCache } from 'lru-cache';
import { DateTime } from 'luxon';
import type { Db } from '../db/client.js';
import { loadCatalogue } from '../meetings/catalogue.js';
import type { MeetingView } from '../meetings/queries.js';
import type { Templates } from '../mail/templates.js';
import type { FilterCatalogue, FilterSet } from '../subscribers/filters.js';
import { composeDigest, composeMeeting, type DigestContent, type DigestMeeting, type FollowedMeetings } from './compose.js';
import { prepareDigest, type DigestFeed, type PreparedDigest } from './email.js';
import type { DigestRun } from './run-repo.js';
import { WeekMeetings, type Followed, type FollowsOf } from './week-meetings.js';
import { weekBounds, type Week } from './week.js';

/** How far ahead "coming up" looks from the end of the week. */
export const comingUpDays = 14;

export interface DigestRequest {
  week: Week;
  zone: string;
  filters: FilterSet;
  catalogue: FilterCatalogue;
  /** The subscriber it is for: what they follow comes first. */
  subscriberId?: number;
}

/**
 * The week's content for one filter set, or null when nothing matched:
 * selected by the run's own WeekMeetings (the same filter rule as
 * findMeetings), "Since last week" included. `had` names the late meetings
 * the recipient already has in their current form, to leave out.
 */
export async function buildDigest(
  db: Db,
  request: DigestRequest,
  had: (late: MeetingView[]) => Promise<number[]> = async () => [],
): Promise<DigestContent | null> {
  const { from, to } = weekBounds(request.week, request.zone);
  const ahead = DateTime.fromJSDate(to).plus({ days: comingUpDays }).toJSDate();
  const week = await WeekMeetings.load(db, { from, to, ahead });
  await week.learnKeywords(request.filters.keywords);
  const late = week.select(request.filters, 'late');
  const omitted = late.length ? await had(late) : [];
  const followed = request.subscriberId === undefined ? undefined : (await week.followedBy({ subscriberIds: [request.subscriberId] })).get(request.subscriberId);
  return composeDigest({
    ...request,
    ...(followed && { followed }),
    meetings: week.select(request.filters, 'held'),
    upcoming: week.select(request.filters, 'upcoming'),
    late: omitted.length ? late.filter((view) => !omitted.includes(view.id)) : late,
  });
}

/**
 * One run's builds in one worker: the week's meetings loaded once, and for
 * each filter set (and feed) the digest composed and rendered once, ready
 * for each recipient's own links. Popular filter sets stay built while
 * one-off ones pass through: at most `capacity` are kept, least recently
 * used going first.
 */
export class RunBuilds {
  private readonly prepared: LRUCache<string, { digest: PreparedDigest | null }>;
  /**
   * Filter sets met once lately: meeting one again soon admits it to
   * `prepared`. "Soon" is a few cache-fulls of other sets, so a set that
   * comes round only every hundred thousand subscribers is never kept (it
   * would be evicted before its next recipient, having cost a render and
   * heap churn).
   */
  private readonly seen: LRUCache<string, true>;
  private readonly composed = { filtered: new WeakMap<MeetingView, DigestMeeting>(), whole: new WeakMap<MeetingView, DigestMeeting>() };

  constructor(
    readonly run: RunHeader,
    private readonly meetings: WeekMeetings,
    private readonly catalogue: FilterCatalogue,
    private readonly settings: { zone: string; templates: Templates; home: string; capacity: number },
  ) {
    this.prepared = new LRUCache({ max: settings.capacity });
    this.seen = new LRUCache({ max: settings.capacity * 5 });
  }

  /** Readies a batch's filter sets: their keywords are asked of Postgres together, once per run. */
  async learn(filterSets: FilterSet[]): Promise<void> {
    await this.meetings.learnKeywords(filterSets.flatMap((filters) => filters.keywords));
  }

  /** The run's late news (meetings held before its week whose minutes came in it), whoever follows them. */
  get lateMeetingIds(): number[] {
    return this.meetings.late.views.map((view) => view.id);
  }

  /** Which of a batch's subscribers follow something in the run's meetings, and those meetings (WeekMeetings.followedBy). */
  followedBy(who: FollowsOf): Promise<Map<number, Followed>> {
    return this.meetings.followedBy(who);
  }

  /** The late news this filter set selects: what `already` (late meeting ids a recipient has in that form) is taken from. */
  late(filters: FilterSet): MeetingView[] {
    return this.meetings.select(filters, 'late');
  }

  /**
   * What findMeetings would give this filter set for the week, composed, with
   * the late news it selects less `already` (learn its keywords first).
   */
  content(filters: FilterSet, already: readonly number[] = [], followed?: FollowedMeetings): DigestContent | null {
    const late = this.meetings.select(filters, 'late');
    return composeDigest(
      {
        ...(followed && { followed }),
        week: this.run.week,
        zone: this.settings.zone,
        filters,
        catalogue: this.catalogue,
        meetings: this.meetings.select(filters, 'held'),
        upcoming: this.meetings.select(filters, 'upcoming'),
        late: already.length ? late.filter((view) => !already.includes(view.id)) : late,
      },
      (meeting, filtered, zone) => {
        // Selections are shared objects (see WeekMeetings.select), so one composition serves every digest that has it.
        const memo = filtered ? this.composed.filtered : this.composed.whole;
        let made = memo.get(meeting);
        if (!made) memo.set(meeting, (made = composeMeeting(meeting, filtered, zone)));
        return made;
      },
    );
  }

  /**
   * The digest for a filter set (and the feed it is for, if any), or null
   * when nothing matched. Kept from the second recipient who needs it on: a
   * one-off filter set is built, used and dropped at once, so the cache holds
   * the sets many people share and one-offs die young instead of crowding
   * the heap (a worker's memory stays flat however many a run has).
   * Recipients who already have some of the late news (`already`, sorted)
   * share the digest of those who have the same, and those who follow items
   * (`followed`) share it with those whose follows list the same.
   */
  digest(filters: FilterSet, filterKey: string, feed: DigestFeed | null, already: readonly number[] = [], followed?: Followed): PreparedDigest | null {
    const key = `${filterKey}:${feed?.id ?? ''}:${already.join(',')}${followed ? `:${followed.key}` : ''}`;
    const known = this.prepared.get(key);
    if (known) return known.digest;
    const content = this.content(filters, already, followed);
    const again = this.seen.delete(key);
    const made = content && prepareDigest(this.settings.templates, content, feed, this.settings.home, { reused: again, sending: !this.run.dryRun });
    if (again) this.prepared.set(key, { digest: made });
    else this.seen.set(key, true);
    return made;
  }
}

/**
 * Each worker keeps the builds of the runs it is working on; a run's first
 * batch loads them, and a failed load (a database blip) is forgotten so the
 * retry loads again. A run's builds (its week, up to `capacity` prepared
 * digests: 10–20 MB) go once the worker has had no batch of it for
 * `idleMs` (ten minutes): a worker that stays up from week to week would
 * otherwise carry the last few runs into the next, dry rehearsals among them.
 * A batch that comes later (a retry after a long backoff) loads them again.
 */
export function createDigestBuilds(db: Db, settings: { zone: string; templates: Templates; home: string; capacity?: number; idleMs?: number }) {
  const runs = new LRUCache<number, Promise<RunBuilds>>({ max: 4, ttl: settings.idleMs ?? 10 * 60_000, updateAgeOnGet: true, ttlAutopurge: true });
  const headers = new LRUCache<number, RunHeader>({ max: 16 });
  return {
    /**
     * A run's id, week and kind, read (`read`) once per worker: all a send
     * job needs of the row, which never change (a real run's status is asked
     * before each claim group). A run not found is not remembered.
     */
    async header(runId: number, read: () => Promise<RunHeader | undefined>): Promise<RunHeader | undefined> {
      const known = headers.get(runId);
      if (known) return known;
      const run = await read();
      const header = run && { id: run.id, week: run.week, dryRun: run.dryRun };
      if (header) headers.set(runId, header);
      return header;
    },
    forRun(run: RunHeader): Promise<RunBuilds> {
      const known = runs.get(run.id);
      if (known) return known;
      const loading = (async () => {
        const { from, to } = weekBounds(run.week, settings.zone);
        const ahead = DateTime.fromJSDate(to).plus({ days: comingUpDays }).toJSDate();
        const [meetings, catalogue] = await Promise.all([WeekMeetings.load(db, { from, to, ahead }), loadCatalogue(db)]);
        return new RunBuilds(run, meetings, catalogue, { capacity: 200, ...settings });
      })();
      runs.set(run.id, loading);
      loading.catch(() => runs.delete(run.id));
      return loading;
    },
  };
}

export type DigestBuilds = ReturnType<typeof createDigestBuilds>;

/** What a send job needs of its run's row. */
export type RunHeader = Pick<DigestRun, 'id' | 'week' | 'dryRun'>;
