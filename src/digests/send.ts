import type { JobContext, JobData, JobOutcome } from '../jobs/types.js';
import { sendMail, undelivered } from '../mail/outbox.js';
import { audienceOf, type Addressee, type Audience } from './audiences.js';
import type { DigestDeps } from './deps.js';
import type { Claim, Settlement } from './delivery-repo.js';
import { checkRunRates, parkRecipients } from './guard-rails.js';
import { sampleLimit, type RunSample } from './run-repo.js';
import { chunk } from './runs.js';
import { alreadyHad } from './late-news.js';
import { sentJournal } from './sent-journal.js';
import type { RunBuilds, RunHeader } from './select.js';
import type { Followed } from './week-meetings.js';

/** Thrown after a batch so the queue retries it with backoff; what was settled stays settled. */
export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
}

/**
 * Recipients claimed, and later settled, together: two statements per group
 * instead of two per recipient. A claim is cheap to lose (one whose attempt
 * died is taken over once stale, and sent then for the first time); an
 * accepted send must not wait for the group's settlement, so each is noted
 * at once (see `ledger`).
 */
export const claimGroup = 25;

/**
 * The send job: the batch's recipients (subscribers, or a feed's
 * recipients) are read in one query, their digests come from the run's
 * builds (one per filter set), and each group is claimed, sent one by one
 * (each accepted send noted before the next goes) and settled. Every message
 * waits for the run's pace (SEND_RATE_PER_SECOND, counted in messages).
 * Recipients refused for now are retried as one error at the end of the
 * batch, and the retry works on them alone; permanent refusals are settled at
 * once. Counters move once per batch.
 */
export async function sendDigestBatch(deps: DigestDeps, data: JobData['digest-send'], context: JobContext): Promise<JobOutcome> {
  const { audience, ids } = audienceOf(data);
  const { store } = deps;
  const run = await deps.builds.header(data.runId, () => store.findRun(data.runId));
  if (!run) {
    deps.logger.warn({ runId: data.runId }, 'send job for a run that no longer exists');
    return { sent: 0, skipped: 0, failed: 0 };
  }
  const loaded = new Map((await store.addressees(audience, ids)).map((row) => [row.id, row]));
  const addressees = [...new Set(ids)].flatMap((id) => loaded.get(id) ?? []);
  // Recipients deleted since the fan-out still count as settled; only the first attempt counts them.
  const vanished = ids.length - addressees.length;
  const builds = await deps.builds.forRun(run);
  await builds.learn(addressees.filter((addressee) => !addressee.unsendable).map((addressee) => addressee.filters));
  // What of the run's late news each recipient already has: one query per batch, none in a week without late news.
  const sent = await store.sentMinutes(audience, addressees.map((addressee) => addressee.id), builds.lateMeetingIds);
  const already = (addressee: Addressee) => alreadyHad(builds.late(addressee.filters), sent.get(addressee.id));
  // What the batch's subscribers follow came with them: only those who follow something listed get a digest of their own.
  const followed = await builds.followedBy({ follows: addressees.flatMap((addressee) => addressee.follows) });
  if (run.dryRun) return rehearse(deps, run, builds, audience, addressees, vanished, already, followed);

  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const retries = new Map<number, string>();
  const groups = chunk(addressees, claimGroup);
  for (const [position, group] of groups.entries()) {
    // A run that paused itself (or was cancelled) sends nothing more: what this batch has not sent waits for a resume.
    const status = await store.runStatusOf(run.id);
    if (status === 'paused' || status === 'cancelled') {
      if (status === 'paused') await parkRecipients(deps, run.id, audience, groups.slice(position).flat().map((addressee) => addressee.id));
      break;
    }
    const claims = await store.claimDeliveries(audience, {
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
    for (const [id, status] of await store.deliveryStatuses(audience, unclaimed, run.week)) {
      if (status === 'claimed' && !context.lastAttempt) retries.set(id, 'elsewhere');
    }
    const written = ledger(deps, run, audience);
    // Claims an attempt that died was holding: what it had sent is settled from its notes, not sent again.
    const recalled = await written.journal.recall(claims);
    if (recalled.size) deps.logger.info({ runId: run.id, audience: audience.name, settled: recalled.size }, 'sends of a dead attempt settled from their notes');
    try {
      for (const addressee of group) {
        const claim = claimed.get(addressee.id);
        if (!claim) continue;
        const noted = recalled.get(claim.id);
        const settlement = noted ? written.add(noted, true) : await deliver(deps, run, builds, audience, addressee, claim, context, already, written, followed);
        if (settlement.status === 'retry') retries.set(addressee.id, settlement.reason);
        else outcome[settlement.status] += 1;
      }
    } finally {
      // Whatever was sent is written even when something threw (a database error recording a bounce); what was
      // claimed and not yet tried is released, so the job's retry can take it at once rather than when it goes stale.
      await written.close(claims);
    }
  }
  // Each completes the run when it is the last to settle.
  await store.countSettled(audience, run.id, ids);
  if (vanished && context.attempt === 1) await store.addRunCounts(run.id, { sent: 0, skipped: vanished, failed: 0 });
  await checkRunRates(deps, run.id);
  if (retries.size && !context.lastAttempt) {
    // Everyone else is settled and counted: the retry (after the queue's backoff) works on these alone.
    await context.retryWith?.(audience.jobData(run.id, [...retries.keys()]));
    const some = [...retries].slice(0, 3).map(([id, reason]) => `${audience.name} ${id}: ${reason}`);
    throw new TransientSendError(`${retries.size} of ${ids.length} to retry (${some.join('; ')})`);
  }
  return outcome;
}

/**
 * A claim group's settlements: held, and written to Postgres in one
 * statement when the group ends (what was claimed and not tried is
 * released then). Each accepted send is also noted in the journal at once,
 * and the job's next send waits (`cleared`) until the note is written: a
 * worker killed at any moment has at most one accepted, unnoted send per job
 * (re-sent, with its Message-ID, when its claim goes stale); the rest are
 * settled from their notes (sent-journal.ts).
 */
function ledger(deps: DigestDeps, run: RunHeader, audience: Audience) {
  const journal = sentJournal(deps.queue.notebook, run.id, audience.deliveries);
  const held: Settlement[] = [];
  let noted: Promise<unknown> = Promise.resolve();
  return {
    journal,
    cleared: () => noted,
    /** How a claim ended; an accepted send is noted at once, unless it came from its note (`fromNote`). */
    add(settlement: Settlement, fromNote = false): Settlement {
      held.push(settlement);
      if (settlement.status === 'sent' && !fromNote) {
        noted = Promise.all([noted, journal.note(settlement)]);
        // Awaited by the next send; marked handled meanwhile, so a failed note is not an unhandled rejection.
        noted.catch(() => undefined);
      }
      return settlement;
    },
    async close(claims: Claim[]) {
      const tried = new Set(held.map((settlement) => settlement.id));
      const untried = claims.filter((claim) => !tried.has(claim.id));
      held.push(...untried.map((claim) => ({ id: claim.id, status: 'retry' as const, reason: 'not tried: the batch stopped early' })));
      // A note that failed (Redis gone for a moment) stopped the batch at the next send; its send is settled here all the same.
      await noted.catch(() => undefined);
      await deps.store.settleDeliveries(audience, held);
      const sent = held.flatMap((settlement) => (settlement.status === 'sent' ? [settlement.id] : []));
      // Left behind, a note only expires: it is never read for a delivery no longer claimed.
      await journal.forget(sent).catch((error: unknown) => deps.logger.warn({ runId: run.id, err: error }, 'sent-journal notes not erased'));
    },
  };
}

type Ledger = ReturnType<typeof ledger>;

/**
 * One claimed recipient: rendered from the shared build (while the previous
 * send's note is being written), sent once that note is written and the pace
 * allows one more, and how it ended, handed to the ledger.
 */
async function deliver(
  deps: DigestDeps,
  run: RunHeader,
  builds: RunBuilds,
  audience: Audience,
  addressee: Addressee,
  claim: Claim,
  context: JobContext,
  already: (addressee: Addressee) => number[],
  written: Ledger,
  followed: Map<number, Followed>,
): Promise<Settlement> {
  const settle = (status: 'skipped' | 'failed', reason: string): Settlement => {
    deps.metrics[status].inc();
    return { id: claim.id, status, reason };
  };
  if (addressee.unsendable) return written.add(settle('skipped', addressee.unsendable));
  const who = { runId: run.id, audience: audience.name, recipientId: addressee.id };
  const failure = async (error: unknown): Promise<Settlement> => {
    const outcome = await undelivered(error, (answer) => deps.store.recordHardBounce(audience, addressee.id, deps.hardBounceLimit, answer));
    const { message } = outcome;
    if (outcome.permanent) {
      await deps.store.noteReturned(audience, claim.id, 'hard');
      deps.metrics.bounces.inc({ type: 'hard', source: 'smtp-reply' });
      deps.logger.warn({ ...who, suppressed: outcome.suppressed, err: error }, 'digest refused permanently');
      return settle('failed', message);
    }
    if (context.lastAttempt) return settle('failed', `gave up after ${context.attempt} attempts: ${message}`);
    deps.logger.info({ ...who, attempt: context.attempt, err: error }, 'digest send failed: will retry');
    return { id: claim.id, status: 'retry', reason: message };
  };
  let outgoing;
  try {
    const digest = builds.digest(addressee.filters, addressee.filterKey, addressee.feed, already(addressee), followed.get(addressee.id));
    if (!digest) return written.add(settle('skipped', 'nothing matched this week'));
    const personal = audience.personal(deps.mail, addressee, run.week, deps.now());
    outgoing = { digest, sendable: digest.send(personal), headers: audience.headers(deps.mail, addressee, personal) };
  } catch (error) {
    return written.add(await failure(error));
  }
  await Promise.all([written.cleared(), deps.sendRate.take()]);
  const { digest, sendable, headers } = outgoing;
  const stopTimer = deps.metrics.smtpSeconds.startTimer();
  try {
    const mail = { to: addressee.email, ...sendable, messageId: claim.messageId, headers };
    await sendMail(deps.mailer, deps.mail, mail, { kind: audience.mailKind, recipientId: addressee.id, mailId: claim.id });
  } catch (error) {
    return written.add(await failure(error));
  } finally {
    stopTimer();
  }
  deps.metrics.sent.inc();
  return written.add({
    id: claim.id,
    status: 'sent',
    subject: sendable.subject,
    meetings: digest.content.meetings.length + digest.content.sinceLastWeek.length,
    sections: digest.content.sectionCount,
    carried: digest.content.carried,
  });
}

/**
 * A dry run builds and renders exactly what a real run would, sends nothing
 * and writes no deliveries (they would block the real run's week); counts and
 * a few samples go on the run.
 */
async function rehearse(
  deps: DigestDeps,
  run: RunHeader,
  builds: RunBuilds,
  audience: Audience,
  addressees: Addressee[],
  vanished: number,
  already: (addressee: Addressee) => number[],
  followed: Map<number, Followed>,
): Promise<JobOutcome> {
  const outcome: JobOutcome = { sent: 0, skipped: vanished, failed: 0 };
  const samples: RunSample[] = [];
  for (const [position, addressee] of addressees.entries()) {
    // A rehearsal never waits on SMTP: let other work on this event loop (a fan-out queueing the run) in between.
    if (position % claimGroup === claimGroup - 1) await new Promise((resolve) => setImmediate(resolve));
    const digest = addressee.unsendable ? null : builds.digest(addressee.filters, addressee.filterKey, addressee.feed, already(addressee), followed.get(addressee.id));
    if (!digest) {
      outcome.skipped += 1;
      continue;
    }
    const rendered = digest.render(audience.personal(deps.mail, addressee, run.week, deps.now()));
    outcome.sent += 1;
    if (samples.length < sampleLimit) samples.push({ email: addressee.email, subject: rendered.subject, meetings: digest.content.meetings.length, sections: digest.content.sectionCount });
  }
  await deps.store.addRunCounts(run.id, outcome, samples);
  return outcome;
}
