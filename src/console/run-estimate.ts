import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { subscribers, suppressions } from '../db/schema/index.js';
import { WeekMeetings } from '../digests/week-meetings.js';
import { weekBounds, type Week } from '../digests/week.js';
import type { FilterSet } from '../subscribers/filters.js';

/** What starting a run for a week would do, for the confirmation an operator reads first. */
export interface RunEstimate {
  week: Week;
  /** Confirmed, unsuppressed subscribers: what the run fans out to. */
  recipients: number;
  /** Those whose filter set gets a digest this week. */
  receive: number;
  /** Those it gets nothing for: counted as skipped, sent nothing. */
  skip: number;
  /** Distinct filter sets among the recipients, every one decided. */
  filterSets: number;
}

/**
 * The recipients grouped by filter set, largest first: the run's own
 * audience (subscribersAfter's where clause), one row per filter key.
 * Subscribers with one key have the same filters, so any row's arrays
 * stand for the group.
 */
async function recipientsByFilterSet(db: Db): Promise<(FilterSet & { n: number })[]> {
  return db
    .select({
      councils: sql<string[]>`min(${subscribers.councils})`,
      committees: sql<string[]>`min(${subscribers.committees})`,
      topics: sql<string[]>`min(${subscribers.topics})`,
      keywords: sql<string[]>`min(${subscribers.keywords})`,
      n: count(),
    })
    .from(subscribers)
    .where(
      and(
        eq(subscribers.status, 'active'),
        isNotNull(subscribers.emailKey),
        sql`not exists (select 1 from ${suppressions} where ${suppressions.emailKey} = ${subscribers.emailKey})`,
      ),
    )
    .groupBy(subscribers.filterKey)
    .orderBy(desc(count()));
}

/**
 * Whether a filter set gets a digest: composeDigest's rule, a meeting of
 * the week that is not merely scheduled among what the filters select.
 */
function getsDigest(week: WeekMeetings, filters: FilterSet): boolean {
  return week.select(filters, 'held').some((meeting) => meeting.status !== 'scheduled');
}

/**
 * Counts exactly who would get a digest, the way the run decides it: the
 * week's meetings loaded once into memory (WeekMeetings, as each worker
 * does), every distinct keyword asked of Postgres in one query, then each
 * distinct filter set judged once in memory and counted for all who share
 * it. A fixed number of queries whatever the number of subscribers or
 * filter sets.
 */
export async function estimateRun(db: Db, week: Week, zone: string): Promise<RunEstimate> {
  const { from, to } = weekBounds(week, zone);
  // The "coming up" fortnight does not decide whether a digest is sent, so none of it is loaded.
  const [groups, meetings] = await Promise.all([recipientsByFilterSet(db), WeekMeetings.load(db, { from, to, ahead: to })]);
  await meetings.learnKeywords(groups.flatMap((group) => group.keywords));
  const estimate: RunEstimate = { week, recipients: 0, receive: 0, skip: 0, filterSets: groups.length };
  for (const group of groups) {
    estimate.recipients += group.n;
    if (getsDigest(meetings, group)) estimate.receive += group.n;
    else estimate.skip += group.n;
  }
  return estimate;
}
