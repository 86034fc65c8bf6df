import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { subscribers, suppressions } from '../db/schema/index.js';
import { weekBounds, type Week } from '../digests/week.js';
import { findMeetings } from '../meetings/queries.js';

/** What starting a run for a week would do, for the confirmation an operator reads first. */
export interface RunEstimate {
  week: Week;
  /** Confirmed, unsuppressed subscribers: what the run fans out to. */
  recipients: number;
  /** Those whose filter set matches at least one meeting of the week. */
  receive: number;
  /** Those it matches nothing for: counted as skipped, sent nothing. */
  skip: number;
  /** Distinct filter sets checked; past `limit` the rest are counted as not estimated. */
  filterSets: number;
  notEstimated: number;
}

/**
 * Counts who would get a digest: one query groups the recipients by filter
 * set (subscribers who share one share its answer), then one small query per
 * filter set asks whether the week has any meeting for it, the largest
 * groups first, up to `limit` of them.
 */
export async function estimateRun(db: Db, week: Week, zone: string, limit = 300): Promise<RunEstimate> {
  const groups = await db
    .select({
      councils: subscribers.councils,
      committees: subscribers.committees,
      topics: subscribers.topics,
      keywords: subscribers.keywords,
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
    .groupBy(subscribers.filterKey, subscribers.councils, subscribers.committees, subscribers.topics, subscribers.keywords)
    .orderBy(desc(count()));
  const { from, to } = weekBounds(week, zone);
  const estimate: RunEstimate = { week, recipients: 0, receive: 0, skip: 0, filterSets: 0, notEstimated: 0 };
  for (const group of groups) {
    estimate.recipients += group.n;
    if (estimate.filterSets >= limit) {
      estimate.notEstimated += group.n;
      continue;
    }
    estimate.filterSets += 1;
    const { meetings } = await findMeetings(db, { ...group, from, to }, { limit: 1 });
    if (meetings.length) estimate.receive += group.n;
    else estimate.skip += group.n;
  }
  return estimate;
}
