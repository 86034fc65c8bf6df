import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { feedRecipients, feeds, subscribers, suppressions } from '../db/schema/index.js';
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
  /** Partner feeds' confirmed recipients, whom the run mails after the subscribers: each feed's filter set decided the same way. */
  feedRecipients: { recipients: number; receive: number; skip: number };
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

/** Confirmed recipients of active feeds, unsuppressed (activeFeedRecipientsAfter's where clause), counted per feed with its filter set. */
async function feedRecipientsByFeed(db: Db): Promise<(FilterSet & { n: number })[]> {
  return db
    .select({ councils: feeds.councils, committees: feeds.committees, topics: feeds.topics, keywords: feeds.keywords, n: count() })
    .from(feedRecipients)
    .innerJoin(feeds, eq(feeds.id, feedRecipients.feedId))
    .where(
      and(
        eq(feedRecipients.status, 'active'),
        eq(feeds.status, 'active'),
        sql`not exists (select 1 from ${suppressions} where ${suppressions.emailKey} = ${feedRecipients.emailKey})`,
      ),
    )
    .groupBy(feeds.id);
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
  const [groups, byFeed, meetings] = await Promise.all([recipientsByFilterSet(db), feedRecipientsByFeed(db), WeekMeetings.load(db, { from, to, ahead: to })]);
  await meetings.learnKeywords([...groups, ...byFeed].flatMap((group) => group.keywords));
  const count = (sets: (FilterSet & { n: number })[]) => {
    const counted = { recipients: 0, receive: 0, skip: 0 };
    for (const set of sets) {
      counted.recipients += set.n;
      if (getsDigest(meetings, set)) counted.receive += set.n;
      else counted.skip += set.n;
    }
    return counted;
  };
  return { week, ...count(groups), filterSets: groups.length, feedRecipients: count(byFeed) };
}
