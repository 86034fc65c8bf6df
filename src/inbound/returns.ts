import type { InboundChannel, InboundKind } from '../db/schema/index.js';
import { feedRecipientDeliveries, noteReturned, subscriberDeliveries } from '../digests/delivery-repo.js';
import { checkRunRates } from '../digests/guard-rails.js';
import { recipientByEmailKey } from '../digests/run-repo.js';
import { EmailAddressError, emailKey } from '../subscribers/email.js';
import { recordHardBounce, suppress } from '../subscribers/suppressions.js';
import type { InboundDeps } from './deps.js';
import { hardBounceCountedBefore, recipientKey, recordInbound } from './repo.js';
import { audienceOfMail, readReturnPath, type MailRef } from '../mail/return-path.js';

/**
 * The one bounce and complaint model every path feeds: inbound DSNs and
 * feedback reports (SMTP, IMAP), provider webhooks (SES, Mailgun,
 * Postmark) and the generic webhook. A complaint suppresses the address at
 * once; a hard bounce counts toward HARD_BOUNCE_LIMIT; a soft bounce
 * changes nothing. When the report names a delivery (a signed return path),
 * its run counts it once and may pause itself.
 */

export const returnKinds = ['hard', 'soft', 'complaint'] as const;
/** What came back: a hard bounce, a soft bounce or a complaint. */
export type ReturnKind = (typeof returnKinds)[number];
export type ReturnAction = 'suppressed' | 'counted' | 'ignored';

/**
 * A provider's bounce or complaint in one shape (providers/reports.ts reads
 * their formats into it): whom (the address, and the envelope sender when the
 * provider reports it, which carries our signed return path), what (hard,
 * soft, complaint) and the provider's code.
 */
export interface ProviderReport {
  type: ReturnKind;
  email: string;
  status?: string;
  /** The envelope sender the provider saw: our bounces+<token> address when BOUNCE_DOMAIN is set. */
  returnPath?: string;
  messageId?: string;
}

export interface ReturnReport {
  channel: InboundChannel;
  type: ReturnKind;
  /** The status code (5.1.1) or the provider's own type. */
  status?: string;
  /** The report's own Message-ID, for the record. */
  messageId?: string;
  /** Whom it is about, from a return path we signed: the exact mail. */
  mail?: MailRef;
  /** Whom it is about, from a provider that authenticated itself and gave only the address. */
  email?: string;
}

export interface ReturnOutcome {
  action: ReturnAction;
  audience?: 'subscriber' | 'feed recipient';
  recipientId?: number;
  runId?: number;
  note: string;
}

/**
 * Records a bounce or complaint and acts on it, in one transaction: a report
 * leaves its row and its effect, or (when the database fails) neither, so a
 * sender's retry is not acted on twice. Throws EmailAddressError for a
 * report naming an impossible address.
 */
export async function recordReturn(deps: InboundDeps, report: ReturnReport): Promise<ReturnOutcome> {
  const kind: InboundKind = report.type === 'complaint' ? 'complaint' : 'bounce';
  const outcome = await deps.db.transaction(async (tx) => {
    const inTx = { ...deps, db: tx };
    const acted = report.mail ? await returnOfMail(inTx, report, report.mail) : await returnOfAddress(inTx, report, report.email ?? '');
    await recordInbound(tx, {
      channel: report.channel,
      kind,
      severity: kind === 'bounce' ? (report.type as 'hard' | 'soft') : null,
      status: report.status,
      messageId: report.messageId,
      audience: acted.audience ?? null,
      recipientId: acted.recipientId ?? null,
      // The mail its return path named: a delivery (with its run), or a mail that has no delivery row (no run).
      deliveryId: report.mail && acted.audience ? report.mail.mailId : null,
      mailKind: report.mail && acted.audience ? report.mail.kind : null,
      runId: acted.runId ?? null,
      action: acted.action,
      note: acted.note,
    });
    return acted;
  });
  if (kind === 'complaint') deps.metrics.complaints.inc({ source: report.channel });
  else deps.metrics.bounces.inc({ type: report.type, source: report.channel });
  deps.logger.info({ channel: report.channel, type: report.type, status: report.status?.slice(0, 100), ...outcome }, 'bounce or complaint recorded');
  return outcome;
}

async function returnOfMail(deps: InboundDeps, report: ReturnReport, mail: MailRef): Promise<ReturnOutcome> {
  const audience = audienceOfMail(mail.kind);
  const whom = { audience, recipientId: mail.recipientId };
  const key = await recipientKey(deps.db, audience, mail.recipientId);
  if (!key) return { action: 'ignored', ...whom, note: key === null ? 'the recipient was erased' : 'no such recipient' };
  if (report.type === 'soft') return { action: 'ignored', ...whom, note: 'soft bounce: the sending server retries' };
  const table = audience === 'subscriber' ? subscriberDeliveries : feedRecipientDeliveries;
  // Only digests have a delivery row, and so a run to count it against.
  const delivery = mail.kind === 'digest' || mail.kind === 'feed-digest' ? await noteReturned(deps.db, table, mail.mailId, report.type) : undefined;
  const runId = delivery?.runId;
  if (report.type === 'complaint') {
    await suppress(deps.db, key, 'complaint', `complaint (${report.channel})`);
    if (delivery?.first) await checkRunRates(deps, delivery.runId);
    return { action: 'suppressed', ...whom, runId, note: 'complaint: suppressed at once' };
  }
  if (delivery && !delivery.first) return { action: 'ignored', ...whom, runId, note: 'this delivery was reported as a hard bounce before' };
  if (!delivery && (await hardBounceCountedBefore(deps.db, audience, mail))) {
    return { action: 'ignored', ...whom, note: 'this mail was reported as a hard bounce before' };
  }
  const suppressed = await recordHardBounce(deps.db, table.people, mail.recipientId, deps.hardBounceLimit, `hard bounce ${report.status ?? ''} (${report.channel})`.trim());
  if (delivery) await checkRunRates(deps, delivery.runId);
  return { action: suppressed ? 'suppressed' : 'counted', ...whom, runId, note: suppressed ? `hard bounce: suppressed at HARD_BOUNCE_LIMIT` : 'hard bounce counted' };
}

/**
 * A provider's report by address (its sender authenticated, so the address
 * is believed): a complaint suppresses it whoever it belongs to, a hard
 * bounce counts against the subscriber with that address.
 */
async function returnOfAddress(deps: InboundDeps, report: ReturnReport, email: string): Promise<ReturnOutcome> {
  const key = emailKey(email);
  if (report.type === 'complaint') {
    await suppress(deps.db, key, 'complaint', `complaint (${report.channel})`);
    return { action: 'suppressed', note: 'complaint: suppressed at once' };
  }
  if (report.type === 'soft') return { action: 'ignored', note: 'soft bounce: the sending server retries' };
  const subscriber = await recipientByEmailKey(deps.db, key);
  if (!subscriber) return { action: 'ignored', note: 'no subscriber has this address' };
  const suppressed = await recordHardBounce(deps.db, subscriberDeliveries.people, subscriber.id, deps.hardBounceLimit, `hard bounce ${report.status ?? ''} (${report.channel})`.trim());
  return { action: suppressed ? 'suppressed' : 'counted', audience: 'subscriber', recipientId: subscriber.id, note: suppressed ? 'hard bounce: suppressed at HARD_BOUNCE_LIMIT' : 'hard bounce counted' };
}

/**
 * A provider's report: about the very mail when the provider passed on our
 * signed return path (SES's mail.source, Mailgun's envelope sender), else
 * about the address. An address no one could have does nothing.
 */
export async function recordProviderReport(
  deps: InboundDeps,
  channel: Extract<InboundChannel, 'ses' | 'mailgun' | 'postmark'>,
  report: ProviderReport,
): Promise<ReturnOutcome> {
  const mail = report.returnPath ? readReturnPath(deps, report.returnPath) : undefined;
  try {
    return await recordReturn(deps, { channel, type: report.type, status: report.status, messageId: report.messageId, ...(mail ? { mail } : { email: report.email }) });
  } catch (error) {
    if (error instanceof EmailAddressError) return { action: 'ignored', note: error.message };
    throw error;
  }
}
