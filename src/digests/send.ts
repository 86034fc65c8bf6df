import type { JobContext, JobOutcome } from '../jobs/types.js';
import { isPermanentSmtpError } from '../mail/transport.js';
import type { DigestDeps } from './deps.js';
import {
  claimDelivery,
  countSettled,
  deliveryFor,
  markSent,
  markSettled,
  recordHardBounce,
  releaseForRetry,
} from './delivery-repo.js';
import { digestEmail, digestHeaders, digestMessageId, renderDigest } from './email.js';
import { addRunCounts, completeIfSettled, findRun, recipientsByIds, type DigestRun, type RecipientRow, type RunSample } from './run-repo.js';

/**
 * A claim older than this belongs to an attempt that died (a crashed worker);
 * the next attempt takes it over. Longer than any SMTP exchange, shorter than
 * a job's whole retry budget.
 */
export const staleClaimMs = 5 * 60_000;

/** Thrown after a batch so the queue retries it with backoff; what was settled stays settled. */
export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
}

/** elsewhere: another attempt holds the claim right now; done: settled by an earlier attempt. */
type Result = 'sent' | 'skipped' | 'failed' | 'retry' | 'elsewhere' | 'done';

/**
 * The send job: each subscriber of the batch is claimed, built (shared per
 * filter set), rendered, sent and marked, one at a time. Transient failures
 * are released and retried as one error at the end of the batch; permanent
 * ones are settled at once. Counters move once per batch.
 */
export async function sendDigestBatch(
  deps: DigestDeps,
  data: { runId: number; subscriberIds: number[] },
  context: JobContext,
): Promise<JobOutcome> {
  const run = await findRun(deps.db, data.runId);
  if (!run) {
    deps.logger.warn({ runId: data.runId }, 'send job for a run that no longer exists');
    return { sent: 0, skipped: 0, failed: 0 };
  }
  const recipients = new Map((await recipientsByIds(deps.db, data.subscriberIds)).map((row) => [row.id, row]));
  // Subscribers deleted since the fan-out still count as settled; only the first attempt counts them.
  const vanished = data.subscriberIds.filter((id) => !recipients.has(id)).length;
  if (run.dryRun) return rehearse(deps, run, [...recipients.values()], vanished);

  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const retries: string[] = [];
  for (const id of data.subscriberIds) {
    const recipient = recipients.get(id);
    if (!recipient) continue;
    const result = await deliver(deps, run, recipient, context);
    if (result === 'retry' || result === 'elsewhere') retries.push(`subscriber ${id}: ${result}`);
    else if (result !== 'done') outcome[result] += 1;
  }
  await countSettled(deps.db, run.id, data.subscriberIds);
  if (vanished && context.attempt === 1) await addRunCounts(deps.db, run.id, { sent: 0, skipped: vanished, failed: 0 });
  await completeIfSettled(deps.db, run.id);
  if (retries.length && !context.lastAttempt) {
    throw new TransientSendError(`${retries.length} of ${data.subscriberIds.length} to retry (${retries.slice(0, 3).join('; ')})`);
  }
  return outcome;
}

async function deliver(deps: DigestDeps, run: DigestRun, recipient: RecipientRow, context: JobContext): Promise<Result> {
  const messageId = digestMessageId(recipient.publicId, run.week, deps.mail.mailFrom);
  const claim = await claimDelivery(deps.db, {
    runId: run.id,
    subscriberId: recipient.id,
    week: run.week,
    messageId,
    staleBefore: new Date(deps.now().getTime() - staleClaimMs),
  });
  if (!claim) {
    // Settled already (a repeated job), or another attempt is sending it right now.
    const held = await deliveryFor(deps.db, recipient.id, run.week);
    return held?.status === 'claimed' && !context.lastAttempt ? 'elsewhere' : 'done';
  }
  const unsendable = whyNotSend(recipient);
  if (unsendable) return settle(deps, claim.id, 'skipped', unsendable);
  try {
    const content = await deps.contents.get(run, recipient.filters, recipient.filterKey);
    if (!content) return settle(deps, claim.id, 'skipped', 'nothing matched this week');
    const email = digestEmail(deps.mail, content, { ...recipient, email: recipient.email! });
    const rendered = renderDigest(deps.templates, email);
    const stopTimer = deps.metrics.smtpSeconds.startTimer();
    try {
      await deps.mailer.send({
        to: recipient.email!,
        ...rendered,
        messageId: claim.messageId,
        headers: digestHeaders(deps.mail, email, { ...recipient, email: recipient.email! }),
      });
    } finally {
      stopTimer();
    }
    await markSent(deps.db, claim.id, { subject: rendered.subject, meetings: content.meetings.length, sections: content.sectionCount });
    deps.metrics.sent.inc();
    return 'sent';
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (isPermanentSmtpError(error)) {
      const suppressed = await recordHardBounce(deps.db, recipient.id, deps.hardBounceLimit, message);
      deps.logger.warn({ runId: run.id, subscriberId: recipient.id, suppressed, err: error }, 'digest refused permanently');
      return settle(deps, claim.id, 'failed', message);
    }
    if (context.lastAttempt) return settle(deps, claim.id, 'failed', `gave up after ${context.attempt} attempts: ${message}`);
    deps.logger.info({ runId: run.id, subscriberId: recipient.id, attempt: context.attempt, err: error }, 'digest send failed: will retry');
    await releaseForRetry(deps.db, claim.id, message);
    return 'retry';
  }
}

/** Subscribers can change between fan-out and send: only an active, unsuppressed address gets mail. */
function whyNotSend(recipient: RecipientRow): string | undefined {
  if (recipient.status !== 'active' || !recipient.email) return `subscriber is ${recipient.status}`;
  if (recipient.suppressed) return 'address is suppressed';
  return undefined;
}

async function settle(deps: DigestDeps, deliveryId: number, status: 'skipped' | 'failed', reason: string): Promise<'skipped' | 'failed'> {
  await markSettled(deps.db, deliveryId, status, reason);
  deps.metrics[status].inc();
  return status;
}

/**
 * A dry run builds and renders exactly what a real run would, sends nothing
 * and writes no deliveries (they would block the real run's week); counts and
 * a few samples go on the run.
 */
async function rehearse(deps: DigestDeps, run: DigestRun, recipients: RecipientRow[], vanished: number): Promise<JobOutcome> {
  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const samples: RunSample[] = [];
  for (const recipient of recipients) {
    const content = whyNotSend(recipient) ? null : await deps.contents.get(run, recipient.filters, recipient.filterKey);
    if (!content) {
      outcome.skipped += 1;
      continue;
    }
    const rendered = renderDigest(deps.templates, digestEmail(deps.mail, content, { ...recipient, email: recipient.email! }));
    outcome.sent += 1;
    samples.push({ email: recipient.email!, subject: rendered.subject, meetings: content.meetings.length, sections: content.sectionCount });
  }
  await addRunCounts(deps.db, run.id, outcome, samples);
  await completeIfSettled(deps.db, run.id);
  return outcome;
}
