import { and, eq, inArray, sql } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Executor } from '../db/client.js';
import { digestRuns, parkedBatches } from '../db/schema/index.js';
import { feedRecipientAudience, subscriberAudience, type Audience } from './audiences.js';
import type { DigestDeps } from './deps.js';
import { cancelRunRow, completeIfSettled, findRun, pauseIfPastLimits, unpauseRun, type DigestRun } from './run-repo.js';
import { sendJobs } from './runs.js';

/**
 * A run's guard rails: a run whose complaint or hard-bounce rate passes its
 * limit (after RUN_PAUSE_MIN_SENDS sends) pauses itself. Send jobs that find
 * it paused park the recipients they have not sent and end; fanning out
 * stops at its cursor. An operator resumes it (parked batches and the
 * fan-out are queued again; claims keep every recipient to one digest) or
 * cancels it (nothing more is sent).
 */

/** Checks a run's rates after its counters moved (a batch settled, a bounce or complaint came in); logs a pause once. */
export async function checkRunRates(deps: Pick<DigestDeps, 'logger' | 'pauseLimits'> & { db: Executor }, runId: number): Promise<DigestRun | undefined> {
  const paused = await pauseIfPastLimits(deps.db, runId, deps.pauseLimits);
  if (paused) {
    deps.logger.warn(
      { runId, sent: paused.sent, hardBounces: paused.hardBounces, complaints: paused.complaints, reason: paused.pausedReason },
      'digest run paused itself: resume or cancel it (POST /api/admin/digest-runs/:id/resume|cancel, `digest resume|cancel`)',
    );
  }
  return paused;
}

/** Holds back recipients a send job found its run paused before sending. */
export async function parkRecipients(deps: Pick<DigestDeps, 'db' | 'logger' | 'queue' | 'batchSize' | 'now'>, runId: number, audience: Audience, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  // Parked only while the run is still paused: a resume or a cancel between this job's look and here must not leave a batch
  // behind. The share lock orders the two: a cancel or resume already under way is waited for (and its new status seen),
  // and one that comes after waits for this insert, so its next statement finds the batch.
  const parked = await deps.db.execute(sql`
    insert into ${parkedBatches} (run_id, audience, recipient_ids)
    select ${runId}, ${audience.name}, ${pgArray(ids, 'bigint')}
    where exists (select 1 from ${digestRuns} where ${digestRuns.id} = ${runId} and ${digestRuns.status} = 'paused' for share)`);
  if (parked.rowCount) {
    deps.logger.info({ runId, audience: audience.name, parked: ids.length }, 'digest run paused: recipients parked until it resumes');
    return;
  }
  const run = await findRun(deps.db, runId);
  if (!run || run.status === 'cancelled') return;
  // Resumed meanwhile: the resume has already queued what was parked, so this batch goes back on the queue itself.
  await deps.queue.addBulk(sendJobs(runId, audience, ids, deps.batchSize, (first) => `unparked-${runId}-${deps.now().getTime()}-${first}`));
}

export type RunDecision = { outcome: 'done'; run: DigestRun; requeued: number } | { outcome: 'not-found' } | { outcome: 'conflict'; run: DigestRun };

/**
 * paused → sending (or fanning out again): every parked batch is queued
 * again under a job id of its own, then forgotten; if the process dies in
 * between, the batch is queued twice, and claims send it once.
 */
export async function resumeRun(deps: DigestDeps, runId: number): Promise<RunDecision> {
  const run = await unpauseRun(deps.db, runId);
  if (!run) return notChanged(deps, runId);
  const parked = await deps.db.select().from(parkedBatches).where(eq(parkedBatches.runId, runId));
  for (const batch of parked) {
    const audience = batch.audience === 'subscriber' ? subscriberAudience : feedRecipientAudience;
    await deps.queue.addBulk(sendJobs(runId, audience, batch.recipientIds, deps.batchSize, (first) => `resume-${runId}-${batch.id}-${first}`));
  }
  if (parked.length) {
    await deps.db.delete(parkedBatches).where(and(eq(parkedBatches.runId, runId), inArray(parkedBatches.id, parked.map((batch) => batch.id))));
  }
  if (run.status === 'fanning_out') {
    // Named afresh: the fan-out that stopped at this cursor may still be remembered under its own name.
    await deps.queue.add({ name: 'digest-fan-out', data: { runId }, jobId: `fan-out-${runId}-${run.cursor}-${run.feedCursor}-resumed-${deps.now().getTime()}` });
  }
  await completeIfSettled(deps.db, runId);
  const requeued = parked.reduce((total, batch) => total + batch.recipientIds.length, 0);
  deps.logger.info({ runId, requeued, fanningOut: run.status === 'fanning_out' }, 'digest run resumed by an operator');
  return { outcome: 'done', run: (await findRun(deps.db, runId)) ?? run, requeued };
}

/** Stops a run for good: parked batches are dropped and jobs still queued end without sending. */
export async function cancelRun(deps: Pick<DigestDeps, 'db' | 'logger'>, runId: number): Promise<RunDecision> {
  const run = await cancelRunRow(deps.db, runId);
  if (!run) return notChanged(deps, runId);
  const dropped = await deps.db.delete(parkedBatches).where(eq(parkedBatches.runId, runId)).returning({ ids: parkedBatches.recipientIds });
  deps.logger.warn({ runId, parkedDropped: dropped.reduce((total, batch) => total + batch.ids.length, 0) }, 'digest run cancelled by an operator');
  return { outcome: 'done', run, requeued: 0 };
}

async function notChanged(deps: Pick<DigestDeps, 'db'>, runId: number): Promise<RunDecision> {
  const run = await findRun(deps.db, runId);
  return run ? { outcome: 'conflict', run } : { outcome: 'not-found' };
}
