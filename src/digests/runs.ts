import type { JobContext, JobOutcome, NewJob } from '../jobs/types.js';
import { audiences, type Audience } from './audiences.js';
import type { DigestDeps } from './deps.js';
import { releaseFailed } from './delivery-repo.js';
import {
  advanceCursor,
  completeIfSettled,
  createOrJoinRun,
  failRun,
  finishFanOut,
  reopenFailedRun,
  startFanOut,
  type DigestRun,
  type RunTrigger,
} from './run-repo.js';
import { RunRefusedError, weekGuard, type WeekRefusal } from './week-guard.js';
import { parseWeek, previousWeek, type Week } from './week.js';

const nothing: JobOutcome = { sent: 0, skipped: 0, failed: 0 };

/**
 * A dry run's send jobs take this many batches each. With nothing to send or
 * claim, a rehearsal's job costs mostly what every job costs whatever its size
 * (its two statements, the queue's round trips, about 8 ms of a worker's CPU
 * here), against a tenth of a millisecond a recipient: fewer, larger jobs
 * rehearse the same run faster (docs/performance.md).
 */
export const rehearsalBatches = 5;

/**
 * Starts the run for a week, or joins the one already there; either way the
 * fan-out is queued, so a second trigger also resumes a fan-out that died.
 * Any day names its week; the default is the week that ended before now.
 *
 * An operator's request (`guard`) for a real run is checked by `weekGuard`:
 * a week not yet ended, or long past, throws RunRefusedError unless forced;
 * a forced one is logged at warn and returned as `forced`. The schedule asks
 * for the week that just ended and is not checked.
 */
export async function requestRun(
  deps: DigestDeps,
  request: { week?: Week; dryRun?: boolean; trigger: RunTrigger; guard?: { force: boolean; now: Date } },
): Promise<{ run: DigestRun; joined: boolean; forced?: WeekRefusal }> {
  const week = request.week ? parseWeek(request.week) : previousWeek(deps.now(), deps.zone);
  const dryRun = request.dryRun ?? false;
  const refusal = request.guard && !dryRun ? weekGuard(week, request.guard.now, deps.zone) : undefined;
  if (refusal && !request.guard!.force) throw new RunRefusedError(refusal);
  if (refusal) deps.logger.warn({ week, trigger: request.trigger, reason: refusal.reason }, `digest run forced: ${refusal.message}`);
  const created = await createOrJoinRun(deps.db, { week, dryRun, trigger: request.trigger });
  const { joined } = created;
  const run = (created.run.status === 'failed' && (await reopenFailedRun(deps.db, created.run.id))) || created.run;
  if (run.status === 'queued' || run.status === 'fanning_out') {
    // Named by where it starts: a resumed fan-out is a new job, a repeated trigger is not.
    await deps.queue.add({ name: 'digest-fan-out', data: { runId: run.id }, jobId: `fan-out-${run.id}-${run.cursor}-${run.feedCursor}` });
  }
  deps.logger.info({ runId: run.id, week, dryRun: run.dryRun, trigger: request.trigger, joined }, joined ? 'digest run joined' : 'digest run started');
  return { run, joined, ...(refusal && { forced: refusal }) };
}

/** The weekly schedule's job. */
export async function startScheduledRun(deps: DigestDeps): Promise<JobOutcome> {
  await requestRun(deps, { trigger: 'schedule' });
  return nothing;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Send jobs for a list of one audience's ids, named so the same batch is never queued twice. */
export function sendJobs(
  runId: number,
  audience: Audience,
  ids: number[],
  batchSize: number,
  name: (first: number) => string,
): NewJob<'digest-send'>[] {
  return chunk(ids, batchSize).map((batch) => ({ name: 'digest-send', data: audience.jobData(runId, batch), jobId: name(batch[0]!) }));
}

/**
 * Streams the run's subscribers, then its feed recipients, a page at a time
 * into send jobs. Jobs are queued before the cursor moves past them, so a
 * fan-out that dies resumes from its cursors and at worst re-adds a page
 * whose job ids already exist.
 */
export async function fanOut(deps: DigestDeps, data: { runId: number }, context: JobContext): Promise<JobOutcome> {
  try {
    return await fanOutPages(deps, data.runId);
  } catch (error) {
    // Out of retries: the run shows why; triggering the week again resumes it.
    if (context.lastAttempt) await failRun(deps.db, data.runId, `fan-out failed: ${(error as Error).message}`);
    throw error;
  }
}

async function fanOutPages(deps: DigestDeps, runId: number): Promise<JobOutcome> {
  const run = await startFanOut(deps.db, runId);
  if (!run) return nothing;
  for (const audience of audiences) {
    if (!(await fanOutAudience(deps, run, audience))) return nothing;
  }
  await finishFanOut(deps.db, run.id);
  await completeIfSettled(deps.db, run.id);
  deps.logger.info({ runId: run.id, week: run.week }, 'digest run fanned out');
  return nothing;
}

/** One audience's pages; false when another fan-out of this run moved the cursor first (it carries on from there). */
async function fanOutAudience(deps: DigestDeps, run: DigestRun, audience: Audience): Promise<boolean> {
  let cursor = run[audience.cursor];
  for (;;) {
    const ids = await audience.idsAfter(deps.db, cursor, deps.pageSize);
    if (ids.length === 0) return true;
    const batchSize = run.dryRun ? deps.batchSize * rehearsalBatches : deps.batchSize;
    await deps.queue.addBulk(sendJobs(run.id, audience, ids, batchSize, (first) => `${audience.jobIds.send}-${run.id}-${first}`));
    const last = ids.at(-1)!;
    if (!(await advanceCursor(deps.db, run.id, { cursor: audience.cursor, from: cursor, to: last, queued: ids.length }))) return false;
    cursor = last;
  }
}

/** Queues the run's failed deliveries again, subscribers' and feed recipients'; answers how many. */
export async function retryFailed(deps: DigestDeps, runId: number): Promise<number> {
  const round = deps.now().getTime();
  let retried = 0;
  for (const audience of audiences) {
    const ids = await releaseFailed(deps.db, audience.deliveries, runId);
    await deps.queue.addBulk(sendJobs(runId, audience, ids, deps.batchSize, (first) => `${audience.jobIds.retry}-${runId}-${round}-${first}`));
    retried += ids.length;
  }
  deps.logger.info({ runId, retried }, 'failed deliveries queued again');
  return retried;
}

export interface RunSummary {
  id: number;
  week: string;
  dryRun: boolean;
  status: DigestRun['status'];
  trigger: string;
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  /** Queued recipients not yet settled. */
  pending: number;
  createdAt: string;
  startedAt: string | null;
  fannedOutAt: string | null;
  finishedAt: string | null;
  /** From start to finish, or to now while it runs. */
  seconds: number | null;
  samples: DigestRun['samples'];
  error: string | null;
  /** Deliveries reported as hard bounces (refused at send time or bounced later) and as complaints, and their rates per digest sent. */
  hardBounces: number;
  complaints: number;
  hardBounceRate: number | null;
  complaintRate: number | null;
  /** Why the run paused itself, while it is paused. */
  pausedReason: string | null;
}

/** A run as operators see it (API, CLI). */
export function summariseRun(run: DigestRun, now: Date): RunSummary {
  const settled = run.sent + run.skipped + run.failed;
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id: run.id,
    week: run.week,
    dryRun: run.dryRun,
    status: run.status,
    trigger: run.trigger,
    total: run.total,
    sent: run.sent,
    skipped: run.skipped,
    failed: run.failed,
    pending: Math.max(0, run.total - settled),
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    fannedOutAt: iso(run.fannedOutAt),
    finishedAt: iso(run.finishedAt),
    seconds: run.startedAt ? Math.round(((run.finishedAt ?? now).getTime() - run.startedAt.getTime()) / 100) / 10 : null,
    samples: run.samples,
    error: run.error,
    hardBounces: run.hardBounces,
    complaints: run.complaints,
    hardBounceRate: run.sent ? run.hardBounces / run.sent : null,
    complaintRate: run.sent ? run.complaints / run.sent : null,
    pausedReason: run.pausedReason,
  };
}
