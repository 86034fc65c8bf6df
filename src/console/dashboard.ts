import { CronExpressionParser } from 'cron-parser';
import { count, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { feeds, subscribers, subscriberStatuses, type SubscriberStatus } from '../db/schema/index.js';
import { listRuns } from '../digests/run-repo.js';
import { summariseRun, type RunSummary } from '../digests/runs.js';
import type { JobQueue } from '../jobs/types.js';

/** What the console's first page shows. */
export interface Dashboard {
  subscribers: { counts: Record<SubscriberStatus, number>; countedAt: Date };
  runs: RunSummary[];
  nextRun: Date | null;
  queues: { queue: string; state: string; count: number }[] | null;
  feedRequestsWaiting: number;
}

/** How long subscriber counts are kept: counting every row on every view would not scale. */
export const subscriberCountSeconds = 30;

/**
 * Subscribers by status, counted at most once per `ttlMs` and kept in this
 * process: at 100,000 subscribers a count by status reads every row, so a
 * busy dashboard must not do it on each view. The page says when it was
 * counted.
 */
export function createSubscriberCounter(db: Db, ttlMs = subscriberCountSeconds * 1000) {
  let kept: { value: Promise<Dashboard['subscribers']>; at: number } | undefined;
  const countNow = async (now: Date) => {
    const rows = await db.select({ status: subscribers.status, n: count() }).from(subscribers).groupBy(subscribers.status);
    const counts = Object.fromEntries(subscriberStatuses.map((status) => [status, 0])) as Record<SubscriberStatus, number>;
    for (const row of rows) counts[row.status] = row.n;
    return { counts, countedAt: now };
  };
  return {
    counts(now: Date): Promise<Dashboard['subscribers']> {
      if (!kept || now.getTime() - kept.at >= ttlMs) {
        const value = countNow(now);
        kept = { value, at: now.getTime() };
        // A failed count is not kept: the next view tries again.
        value.catch(() => {
          kept = undefined;
        });
      }
      return kept.value;
    },
    forget() {
      kept = undefined;
    },
  };
}

export type SubscriberCounter = ReturnType<typeof createSubscriberCounter>;

/** When DIGEST_CRON next starts a run, in DIGEST_TZ. */
export function nextScheduledRun(cron: string, zone: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { tz: zone, currentDate: now }).next().toDate();
}

export async function loadDashboard(
  deps: { db: Db; counter: SubscriberCounter; queue: JobQueue | undefined; cron: string; zone: string },
  now: Date,
): Promise<Dashboard> {
  const [counted, runs, queues, [waiting]] = await Promise.all([
    deps.counter.counts(now),
    listRuns(deps.db, { limit: 5 }),
    deps.queue ? deps.queue.depth() : Promise.resolve(null),
    deps.db.select({ n: count() }).from(feeds).where(eq(feeds.status, 'requested')),
  ]);
  return {
    subscribers: counted,
    runs: runs.map((run) => summariseRun(run, now)),
    nextRun: nextScheduledRun(deps.cron, deps.zone, now),
    queues,
    feedRequestsWaiting: waiting?.n ?? 0,
  };
}
