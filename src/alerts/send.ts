import { recipientsByIds, type RecipientRow } from '../digests/run-repo.js';
import { chunk } from '../digests/runs.js';
import { claimGroup, TransientSendError } from '../digests/send.js';
import { journalOf } from '../digests/sent-journal.js';
import { followMatches } from '../follows/find.js';
import type { JobContext, JobData, JobOutcome } from '../jobs/types.js';
import { sendMail, undelivered } from '../mail/outbox.js';
import { recordHardBounce } from '../subscribers/suppressions.js';
import { subscribers } from '../db/schema/index.js';
import type { AlertDeps } from './deps.js';
import { alertHeaders, alertLinks, alertMessageId, composeAlert, renderAlert } from './email.js';
import { alertsOfMails, claimAlertMails, mailStatuses, settleAlertMails, type AlertRow, type MailClaim, type MailSettlement } from './repo.js';

type SentMail = Extract<MailSettlement, { status: 'sent' }>;

/**
 * The alert-send job, the weekly run's send job in small: the batch's
 * subscribers are claimed 25 at a time (one mail per subscriber and day,
 * each new mail taking the alerts waiting for it), each mail is built,
 * sent through the outbox (VERP return path, list headers) at the shared
 * send rate and noted in the sent journal before the next goes, and the
 * group is settled in one statement. A worker killed mid-batch re-sends at
 * most the one accepted, unnoted mail per job in flight, with its Message-ID,
 * once the claim goes stale; what it had noted is settled from the notes.
 */
export async function sendAlertBatch(deps: AlertDeps, data: JobData['alert-send'], context: JobContext): Promise<JobOutcome> {
  const outcome: JobOutcome = { sent: 0, skipped: 0, failed: 0 };
  if (!deps.enabled) return outcome;
  const { day } = data;
  const loaded = new Map((await recipientsByIds(deps.db, data.subscriberIds)).map((row) => [row.id, row]));
  const people = [...new Set(data.subscriberIds)].flatMap((id) => loaded.get(id) ?? []);
  const retries = new Map<number, string>();
  for (const group of chunk(people, claimGroup)) {
    const now = deps.now();
    const claims = await claimAlertMails(deps.db, {
      day,
      now,
      staleBefore: new Date(now.getTime() - deps.staleClaimMs),
      recipients: group.map((person) => ({ subscriberId: person.id, messageId: alertMessageId(person.publicId, day, deps.mail.mailFrom) })),
    });
    const claimed = new Map(claims.map((claim) => [claim.subscriberId, claim]));
    // Not claimed: sent already today, nothing waiting, or another attempt is sending it right now.
    const unclaimed = group.filter((person) => !claimed.has(person.id)).map((person) => person.id);
    for (const [id, status] of await mailStatuses(deps.db, unclaimed, day)) {
      if (status === 'claimed' && !context.lastAttempt) retries.set(id, 'elsewhere');
    }
    if (claims.length === 0) continue;
    const written = ledger(deps, day);
    const recalled = await written.journal.recall(claims);
    if (recalled.size) deps.logger.info({ day, settled: recalled.size }, 'alert mails of a dead attempt settled from their notes');
    try {
      const carried = await alertsOfMails(deps.db, claims.map((claim) => claim.id));
      const matched = await matchedNow(deps, [...carried.values()].flat(), claims);
      for (const person of group) {
        const claim = claimed.get(person.id);
        if (!claim) continue;
        const noted = recalled.get(claim.id);
        const settlement = noted
          ? written.add(noted, true)
          : await deliver(deps, person, claim, carried.get(claim.id) ?? [], matched.get(person.id) ?? new Map(), context, written);
        if (settlement.status === 'retry') retries.set(person.id, settlement.reason);
        else outcome[settlement.status] += 1;
      }
    } finally {
      await written.close(claims);
    }
  }
  if (retries.size && !context.lastAttempt) {
    await context.retryWith?.({ day, subscriberIds: [...retries.keys()] });
    const some = [...retries].slice(0, 3).map(([id, reason]) => `subscriber ${id}: ${reason}`);
    throw new TransientSendError(`${retries.size} of ${data.subscriberIds.length} alert mails to retry (${some.join('; ')})`);
  }
  return outcome;
}

/** Which items each subscriber's follows match now, per meeting: one followMatches for the group. */
async function matchedNow(deps: AlertDeps, carried: AlertRow[], claims: MailClaim[]): Promise<Map<number, Map<number, Set<number>>>> {
  const followed = carried.filter((alert) => alert.reason === 'follow');
  const bySubscriber = new Map<number, Map<number, Set<number>>>();
  if (followed.length === 0) return bySubscriber;
  const meetingIds = [...new Set(followed.map((alert) => alert.meeting.id))];
  for (const match of await followMatches(deps.db, meetingIds, { subscriberIds: claims.map((claim) => claim.subscriberId) })) {
    const meetings = bySubscriber.get(match.subscriberId) ?? new Map<number, Set<number>>();
    meetings.set(match.meetingId, (meetings.get(match.meetingId) ?? new Set()).add(match.sectionId));
    bySubscriber.set(match.subscriberId, meetings);
  }
  return bySubscriber;
}

/** A claim group's settlements, as the digests' send job keeps them (digests/send.ts, `ledger`): each sent mail noted at once, all written when the group ends. */
function ledger(deps: AlertDeps, day: string) {
  const journal = journalOf<SentMail>(deps.queue.notebook, `alert-sent:${day}`, 'alert');
  const held: MailSettlement[] = [];
  let noted: Promise<unknown> = Promise.resolve();
  return {
    journal,
    cleared: () => noted,
    add(settlement: MailSettlement, fromNote = false): MailSettlement {
      held.push(settlement);
      if (settlement.status === 'sent' && !fromNote) {
        noted = Promise.all([noted, journal.note(settlement)]);
        noted.catch(() => undefined);
      }
      return settlement;
    },
    async close(claims: MailClaim[]) {
      const tried = new Set(held.map((settlement) => settlement.id));
      held.push(...claims.filter((claim) => !tried.has(claim.id)).map((claim) => ({ id: claim.id, status: 'retry' as const, reason: 'not tried: the batch stopped early' })));
      await noted.catch(() => undefined);
      await settleAlertMails(deps.db, held);
      const sent = held.flatMap((settlement) => (settlement.status === 'sent' ? [settlement.id] : []));
      await journal.forget(sent).catch((error: unknown) => deps.logger.warn({ day, err: error }, 'alert sent-journal notes not erased'));
    },
  };
}

type Ledger = ReturnType<typeof ledger>;

async function deliver(
  deps: AlertDeps,
  person: RecipientRow,
  claim: MailClaim,
  carried: AlertRow[],
  matched: Map<number, Set<number>>,
  context: JobContext,
  written: Ledger,
): Promise<MailSettlement> {
  const settle = (status: 'skipped' | 'failed', reason: string): MailSettlement => {
    deps.metrics[status].inc();
    return { id: claim.id, status, reason };
  };
  if (person.status !== 'active' || !person.email) return written.add(settle('skipped', `subscriber is ${person.status}`));
  if (person.suppressed) return written.add(settle('skipped', 'address is suppressed'));
  if (carried.length === 0) return written.add(settle('skipped', 'no alert left to send (the meetings were held or cancelled)'));
  const failure = async (error: unknown): Promise<MailSettlement> => {
    const outcome = await undelivered(error, (answer) => recordHardBounce(deps.db, subscribers, person.id, deps.hardBounceLimit, answer));
    if (outcome.permanent) {
      deps.logger.warn({ subscriberId: person.id, suppressed: outcome.suppressed, err: error }, 'alert refused permanently');
      return settle('failed', outcome.message);
    }
    if (context.lastAttempt) return settle('failed', `gave up after ${context.attempt} attempts: ${outcome.message}`);
    deps.logger.info({ subscriberId: person.id, attempt: context.attempt, err: error }, 'alert send failed: will retry');
    return { id: claim.id, status: 'retry', reason: outcome.message };
  };
  let outgoing;
  try {
    const links = alertLinks(deps.mail, person, deps.now());
    const email = composeAlert(carried, { recipient: person.email, links, zone: deps.zone, matched });
    outgoing = { rendered: renderAlert(deps.templates, email), headers: alertHeaders(deps.mail, links), meetings: email.meetings.length };
  } catch (error) {
    return written.add(await failure(error));
  }
  await Promise.all([written.cleared(), deps.sendRate.take()]);
  try {
    const mail = { to: person.email, ...outgoing.rendered, messageId: claim.messageId, headers: outgoing.headers };
    await sendMail(deps.mailer, deps.mail, mail, { kind: 'alert', recipientId: person.id, mailId: claim.id });
  } catch (error) {
    return written.add(await failure(error));
  }
  deps.metrics.sent.inc();
  return written.add({ id: claim.id, status: 'sent', subject: outgoing.rendered.subject, meetings: outgoing.meetings });
}
