import type { JobContext, JobData, JobOutcome } from '../jobs/types.js';
import { isPermanentSmtpError } from '../mail/transport.js';
import { audienceOf, type Addressee, type Audience } from './audiences.js';
import type { DigestDeps } from './deps.js';
import {
  claimDelivery,
  countSettled,
  deliveryStatus,
  markSent,
  markSettled,
  recordHardBounce,
  releaseForRetry,
  type DeliveryTable,
} from './delivery-repo.js';
import { renderDigest } from './email.js';
import { addRunCounts, completeIfSettled, findRun, type DigestRun, type RunSample } from './run-repo.js';

/** Thrown after a batch so the queue retries it with backoff; what was settled stays settled. */
export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
}

/** elsewhere: another attempt holds the claim right now; done: settled by an earlier attempt. */
type Result = 'sent' | 'skipped' | 'failed' | 'retry' | 'elsewhere' | 'done';

/**
 * The send job: each recipient of the batch (subscribers, or a feed's
 * recipients) is claimed, built (shared per filter set), rendered, sent and
 * marked, one at a time. Transient failures are released and retried as one
 * error at the end of the batch; permanent ones are settled at once.
 * Counters move once per batch.
 */
export async function sendDigestBatch(deps: DigestDeps, data: JobData['digest-send'], context: JobContext): Promise<JobOutcome> {
  const { audience, ids } = audienceOf(data);
  const run = await findRun(deps.db, data.runId);
  if (!run) {
    deps.logger.warn({ runId: data.runId }, 'send job for a run that no longer exists');
    return { sent: 0, skipped: 0, failed: 0 };
  }
  const addressees = new Map((await audience.load(deps.db, ids)).map((row) => [row.id, row]));
  // Recipients deleted since the fan-out still count as settled; only the first attempt counts them.
  const vanished = ids.filter((id) => !addressees.has(id)).length;
  if (run.dryRun) return rehearse(deps, run, audience, [...addressees.values()], vanished);

  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const retries: string[] = [];
  for (const id of ids) {
    const addressee = addressees.get(id);
    if (!addressee) continue;
    const result = await deliver(deps, run, audience, addressee, context);
    if (result === 'retry' || result === 'elsewhere') retries.push(`${audience.name} ${id}: ${result}`);
    else if (result !== 'done') outcome[result] += 1;
  }
  await countSettled(deps.db, audience.deliveries, run.id, ids);
  if (vanished && context.attempt === 1) await addRunCounts(deps.db, run.id, { sent: 0, skipped: vanished, failed: 0 });
  await completeIfSettled(deps.db, run.id);
  if (retries.length && !context.lastAttempt) {
    throw new TransientSendError(`${retries.length} of ${ids.length} to retry (${retries.slice(0, 3).join('; ')})`);
  }
  return outcome;
}

async function deliver(deps: DigestDeps, run: DigestRun, audience: Audience, addressee: Addressee, context: JobContext): Promise<Result> {
  const table = audience.deliveries;
  const claim = await claimDelivery(deps.db, table, {
    runId: run.id,
    recipientId: addressee.id,
    feedId: addressee.feed?.id ?? null,
    week: run.week,
    messageId: audience.messageId(addressee, run.week, deps.mail.mailFrom),
    // An older claim belongs to an attempt that died (a killed worker). The default (five minutes) is longer
    // than any SMTP exchange and shorter than a job's whole retry budget.
    staleBefore: new Date(deps.now().getTime() - deps.staleClaimMs),
  });
  if (!claim) {
    // Settled already (a repeated job), or another attempt is sending it right now.
    const held = await deliveryStatus(deps.db, table, addressee.id, run.week);
    return held === 'claimed' && !context.lastAttempt ? 'elsewhere' : 'done';
  }
  if (addressee.unsendable) return settle(deps, table, claim.id, 'skipped', addressee.unsendable);
  const who = { runId: run.id, audience: audience.name, recipientId: addressee.id };
  try {
    const content = await deps.contents.get(run, addressee.filters, addressee.filterKey);
    if (!content) return settle(deps, table, claim.id, 'skipped', 'nothing matched this week');
    const { email, headers } = audience.email(deps.mail, content, addressee, deps.now());
    const rendered = renderDigest(deps.templates, email);
    const stopTimer = deps.metrics.smtpSeconds.startTimer();
    try {
      await deps.mailer.send({ to: addressee.email, ...rendered, messageId: claim.messageId, headers });
    } finally {
      stopTimer();
    }
    await markSent(deps.db, table, claim.id, { subject: rendered.subject, meetings: content.meetings.length, sections: content.sectionCount });
    deps.metrics.sent.inc();
    return 'sent';
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (isPermanentSmtpError(error)) {
      const suppressed = await recordHardBounce(deps.db, table, addressee.id, deps.hardBounceLimit, message);
      deps.logger.warn({ ...who, suppressed, err: error }, 'digest refused permanently');
      return settle(deps, table, claim.id, 'failed', message);
    }
    if (context.lastAttempt) return settle(deps, table, claim.id, 'failed', `gave up after ${context.attempt} attempts: ${message}`);
    deps.logger.info({ ...who, attempt: context.attempt, err: error }, 'digest send failed: will retry');
    await releaseForRetry(deps.db, table, claim.id, message);
    return 'retry';
  }
}

async function settle(deps: DigestDeps, table: DeliveryTable, deliveryId: number, status: 'skipped' | 'failed', reason: string): Promise<'skipped' | 'failed'> {
  await markSettled(deps.db, table, deliveryId, status, reason);
  deps.metrics[status].inc();
  return status;
}

/**
 * A dry run builds and renders exactly what a real run would, sends nothing
 * and writes no deliveries (they would block the real run's week); counts and
 * a few samples go on the run.
 */
async function rehearse(deps: DigestDeps, run: DigestRun, audience: Audience, addressees: Addressee[], vanished: number): Promise<JobOutcome> {
  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const samples: RunSample[] = [];
  for (const addressee of addressees) {
    const content = addressee.unsendable ? null : await deps.contents.get(run, addressee.filters, addressee.filterKey);
    if (!content) {
      outcome.skipped += 1;
      continue;
    }
    const rendered = renderDigest(deps.templates, audience.email(deps.mail, content, addressee, deps.now()).email);
    outcome.sent += 1;
    samples.push({ email: addressee.email, subject: rendered.subject, meetings: content.meetings.length, sections: content.sectionCount });
  }
  await addRunCounts(deps.db, run.id, outcome, samples);
  await completeIfSettled(deps.db, run.id);
  return outcome;
}
