import type { JobContext, JobData, JobOutcome } from '../jobs/types.js';
import { returnPathFor } from '../inbound/return-path.js';
import { isPermanentSmtpError } from '../mail/transport.js';
import { audienceOf, type Addressee, type Audience } from './audiences.js';
import type { DigestDeps } from './deps.js';
import { claimDeliveries, countSettled, deliveryStatuses, noteReturned, recordHardBounce, settleDeliveries, type Claim, type Settlement } from './delivery-repo.js';
import { checkRunRates, parkRecipients } from './guard-rails.js';
import { addRunCounts, completeIfSettled, findRun, runStatusOf, sampleLimit, type DigestRun, type RunSample } from './run-repo.js';
import { chunk } from './runs.js';
import { alreadyHad, sentMinutes } from './late-news.js';
import type { RunBuilds } from './select.js';

/** Thrown after a batch so the queue retries it with backoff; what was settled stays settled. */
export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
}

/**
 * Recipients claimed together, then sent one by one, then settled together:
 * two statements per group instead of two per recipient. It is also how many
 * a killed worker can have sent without recording it (each re-sent later
 * with the same Message-ID).
 */
export const claimGroup = 25;

/**
 * The send job: the batch's recipients (subscribers, or a feed's
 * recipients) are read in one query, their digests come from the run's
 * builds (one per filter set), and each group is claimed, sent and settled.
 * Transient failures are released and retried as one error at the end of
 * the batch; permanent ones are settled at once. Counters move once per batch.
 */
export async function sendDigestBatch(deps: DigestDeps, data: JobData['digest-send'], context: JobContext): Promise<JobOutcome> {
  const { audience, ids } = audienceOf(data);
  const run = await findRun(deps.db, data.runId);
  if (!run) {
    deps.logger.warn({ runId: data.runId }, 'send job for a run that no longer exists');
    return { sent: 0, skipped: 0, failed: 0 };
  }
  const loaded = new Map((await audience.load(deps.db, ids)).map((row) => [row.id, row]));
  const addressees = [...new Set(ids)].flatMap((id) => loaded.get(id) ?? []);
  // Recipients deleted since the fan-out still count as settled; only the first attempt counts them.
  const vanished = ids.length - addressees.length;
  const builds = await deps.builds.forRun(run);
  await builds.learn(addressees.filter((addressee) => !addressee.unsendable).map((addressee) => addressee.filters));
  // What of the run's late news each recipient already has: one query per batch, none in a week without late news.
  const sent = await sentMinutes(deps.db, audience.deliveries.audience, addressees.map((addressee) => addressee.id), builds.lateMeetingIds);
  const already = (addressee: Addressee) => alreadyHad(builds.late(addressee.filters), sent.get(addressee.id));
  if (run.dryRun) return rehearse(deps, run, builds, audience, addressees, vanished, already);

  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const retries: string[] = [];
  const groups = chunk(addressees, claimGroup);
  for (const [position, group] of groups.entries()) {
    // A run that paused itself (or was cancelled) sends nothing more: what this batch has not sent waits for a resume.
    const status = await runStatusOf(deps.db, run.id);
    if (status === 'paused' || status === 'cancelled') {
      if (status === 'paused') await parkRecipients(deps, run.id, audience, groups.slice(position).flat().map((addressee) => addressee.id));
      break;
    }
    const claims = await claimDeliveries(deps.db, audience.deliveries, {
      runId: run.id,
      week: run.week,
      // An older claim belongs to an attempt that died (a killed worker). The default (five minutes) is longer
      // than any SMTP exchange and shorter than a job's whole retry budget.
      staleBefore: new Date(deps.now().getTime() - deps.staleClaimMs),
      recipients: group.map((addressee) => ({
        recipientId: addressee.id,
        feedId: addressee.feed?.id ?? null,
        messageId: audience.messageId(addressee, run.week, deps.mail.mailFrom),
      })),
    });
    const claimed = new Map(claims.map((claim) => [claim.recipientId, claim]));
    // Not claimed: settled already (a repeated job), or another attempt is sending it right now.
    const unclaimed = group.filter((addressee) => !claimed.has(addressee.id)).map((addressee) => addressee.id);
    for (const [id, status] of await deliveryStatuses(deps.db, audience.deliveries, unclaimed, run.week)) {
      if (status === 'claimed' && !context.lastAttempt) retries.push(`${audience.name} ${id}: elsewhere`);
    }
    const settled: Settlement[] = [];
    try {
      for (const addressee of group) {
        const claim = claimed.get(addressee.id);
        if (!claim) continue;
        const settlement = await deliver(deps, run, builds, audience, addressee, claim, context, already);
        settled.push(settlement);
        if (settlement.status === 'retry') retries.push(`${audience.name} ${addressee.id}: ${settlement.reason}`);
        else outcome[settlement.status] += 1;
      }
    } finally {
      // Whatever was sent is recorded even when something threw (a database error recording a bounce); what was
      // claimed and not yet tried is released, so the job's retry can take it at once rather than when it goes stale.
      const tried = new Set(settled.map((settlement) => settlement.id));
      const untried = claims.filter((claim) => !tried.has(claim.id)).map((claim) => ({ id: claim.id, status: 'retry' as const, reason: 'not tried: the batch stopped early' }));
      await settleDeliveries(deps.db, audience.deliveries, [...settled, ...untried]);
    }
  }
  await countSettled(deps.db, audience.deliveries, run.id, ids);
  if (vanished && context.attempt === 1) await addRunCounts(deps.db, run.id, { sent: 0, skipped: vanished, failed: 0 });
  await completeIfSettled(deps.db, run.id);
  await checkRunRates(deps, run.id);
  if (retries.length && !context.lastAttempt) {
    throw new TransientSendError(`${retries.length} of ${ids.length} to retry (${retries.slice(0, 3).join('; ')})`);
  }
  return outcome;
}

/** One claimed recipient: rendered from the shared build, sent, and how it ended (written by the caller). */
async function deliver(
  deps: DigestDeps,
  run: DigestRun,
  builds: RunBuilds,
  audience: Audience,
  addressee: Addressee,
  claim: Claim,
  context: JobContext,
  already: (addressee: Addressee) => number[],
): Promise<Settlement> {
  const settle = (status: 'skipped' | 'failed', reason: string): Settlement => {
    deps.metrics[status].inc();
    return { id: claim.id, status, reason };
  };
  if (addressee.unsendable) return settle('skipped', addressee.unsendable);
  const who = { runId: run.id, audience: audience.name, recipientId: addressee.id };
  try {
    const digest = builds.digest(addressee.filters, addressee.filterKey, addressee.feed, already(addressee));
    if (!digest) return settle('skipped', 'nothing matched this week');
    const personal = audience.personal(deps.mail, addressee, run.week, deps.now());
    const rendered = digest.render(personal);
    const headers = audience.headers(deps.mail, addressee, personal);
    const stopTimer = deps.metrics.smtpSeconds.startTimer();
    try {
      const returnPath = returnPathFor(deps.mail, { kind: audience.mailKind, recipientId: addressee.id, mailId: claim.id });
      await deps.mailer.send({ to: addressee.email, ...rendered, messageId: claim.messageId, headers, returnPath });
    } finally {
      stopTimer();
    }
    deps.metrics.sent.inc();
    return {
      id: claim.id,
      status: 'sent',
      subject: rendered.subject,
      meetings: digest.content.meetings.length + digest.content.sinceLastWeek.length,
      sections: digest.content.sectionCount,
      carried: digest.content.carried,
    };
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (isPermanentSmtpError(error)) {
      const suppressed = await recordHardBounce(deps.db, audience.deliveries, addressee.id, deps.hardBounceLimit, message);
      await noteReturned(deps.db, audience.deliveries, claim.id, 'hard');
      deps.metrics.bounces.inc({ type: 'hard', source: 'smtp-reply' });
      deps.logger.warn({ ...who, suppressed, err: error }, 'digest refused permanently');
      return settle('failed', message);
    }
    if (context.lastAttempt) return settle('failed', `gave up after ${context.attempt} attempts: ${message}`);
    deps.logger.info({ ...who, attempt: context.attempt, err: error }, 'digest send failed: will retry');
    return { id: claim.id, status: 'retry', reason: message };
  }
}

/**
 * A dry run builds and renders exactly what a real run would, sends nothing
 * and writes no deliveries (they would block the real run's week); counts and
 * a few samples go on the run.
 */
async function rehearse(
  deps: DigestDeps,
  run: DigestRun,
  builds: RunBuilds,
  audience: Audience,
  addressees: Addressee[],
  vanished: number,
  already: (addressee: Addressee) => number[],
): Promise<JobOutcome> {
  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const samples: RunSample[] = [];
  for (const [position, addressee] of addressees.entries()) {
    // A rehearsal never waits on SMTP: let other work on this event loop (a fan-out queueing the run) in between.
    if (position % claimGroup === claimGroup - 1) await new Promise((resolve) => setImmediate(resolve));
    const digest = addressee.unsendable ? null : builds.digest(addressee.filters, addressee.filterKey, addressee.feed, already(addressee));
    if (!digest) {
      outcome.skipped += 1;
      continue;
    }
    const rendered = digest.render(audience.personal(deps.mail, addressee, run.week, deps.now()));
    outcome.sent += 1;
    if (samples.length < sampleLimit) samples.push({ email: addressee.email, subject: rendered.subject, meetings: digest.content.meetings.length, sections: digest.content.sectionCount });
  }
  await addRunCounts(deps.db, run.id, outcome, samples);
  await completeIfSettled(deps.db, run.id);
  return outcome;
}
