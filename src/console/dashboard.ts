import { CronExpressionParser } from 'cron-parser';
import { count, eq } from 'drizzle-orm';
import { alertVolume, type AlertVolume } from '../alerts/volume.js';
import type { Db } from '../db/client.js';
import { feeds, subscribers, subscriberStatuses, type SubscriberStatus } from '../db/schema/index.js';
import { listRuns } from '../digests/run-repo.js';
import { summariseRun, type RunSummary } from '../digests/runs.js';
import { sourcesWithLatest, type HarvestRow, type SourceRow } from '../harvest/repo.js';
import type { JobQueue } from '../jobs/types.js';

/** What the console's first page shows. */
export interface Dashboard {
  subscribers: { counts: Record<SubscriberStatus, number>; countedAt: Date };
  runs: RunSummary[];
  nextRun: Date | null;
  queues: { queue: string; state: string; count: number }[] | null;
  feedRequestsWaiting: number;
  /** The councils' sites harvests read, with their latest harvest. */
  sources: (SourceRow & { latest: HarvestRow | undefined })[];
  /** Alerts recorded and mailed lately, and what waits (alerts/volume.ts). */
  alerts: AlertVolume;
}

/** How long subscriber counts are kept: counting every row on every view would not scale. */
export const subscriberCountSeconds = 30;

/** How long the rest of the dashboard (runs, queues, waiting feeds) is kept: a busy console asks once for everyone. */
export const dashboardSeconds = 2;

/**
 * `load` run at most once per `ttlMs` and its answer kept in this process,
 * shared by every caller in the meantime. A failed load is not kept: the
 * next call tries again.
 */
export function keptFor<T>(ttlMs: number, load: (now: Date) => Promise<T>) {
  let kept: { value: Promise<T>; at: number } | undefined;
  return {
    get(now: Date): Promise<T> {
      if (!kept || now.getTime() - kept.at >= ttlMs) {
        const value = load(now);
        kept = { value, at: now.getTime() };
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

/**
 * Subscribers by status, counted at most once per `ttlMs`: at 100,000
 * subscribers a count by status reads every row, so a busy dashboard must
 * not do it on each view. The page says when it was counted.
 */
export function createSubscriberCounter(db: Db, ttlMs = subscriberCountSeconds * 1000) {
  const counts = keptFor(ttlMs, async (now) => {
    const rows = await db.select({ status: subscribers.status, n: count() }).from(subscribers).groupBy(subscribers.status);
    const byStatus = Object.fromEntries(subscriberStatuses.map((status) => [status, 0])) as Record<SubscriberStatus, number>;
    for (const row of rows) byStatus[row.status] = row.n;
    return { counts: byStatus, countedAt: now };
  });
  return { counts: (now: Date) => counts.get(now), forget: () => counts.forget() };
}

export type SubscriberCounter = ReturnType<typeof createSubscriberCounter>;

/** When DIGEST_CRON next starts a run, in DIGEST_TZ. */
export function nextScheduledRun(cron: string, zone: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { tz: zone, currentDate: now }).next().toDate();
}

/** nextScheduledRun, worked out again only once the moment it gave has passed: parsing with a time zone is costly. */
export function scheduleClock(cron: string, zone: string): (now: Date) => Date {
  let next: Date | undefined;
  return (now) => {
    if (!next || next.getTime() <= now.getTime()) next = nextScheduledRun(cron, zone, now);
    return next;
  };
}

/** The dashboard as loadDashboard gives it, kept for `dashboardSeconds` and shared by every viewer. */
export function createDashboard(deps: Parameters<typeof loadDashboard>[0], ttlMs = dashboardSeconds * 1000) {
  const kept = keptFor(ttlMs, (now) => loadDashboard(deps, now));
  return (now: Date) => kept.get(now);
}

export async function loadDashboard(
  deps: { db: Db; counter: SubscriberCounter; queue: JobQueue | undefined; nextRun: (now: Date) => Date },
  now: Date,
): Promise<Dashboard> {
  const [counted, runs, queues, [waiting], sources, alerts] = await Promise.all([
    deps.counter.counts(now),
    listRuns(deps.db, { limit: 5 }),
    deps.queue ? deps.queue.depth() : Promise.resolve(null),
    deps.db.select({ n: count() }).from(feeds).where(eq(feeds.status, 'requested')),
    sourcesWithLatest(deps.db),
    alertVolume(deps.db, now),
  ]);
  return {
    subscribers: counted,
    runs: runs.map((run) => summariseRun(run, now)),
    nextRun: deps.nextRun(now),
    queues,
    feedRequestsWaiting: waiting?.n ?? 0,
    sources,
    alerts,
  };
}
