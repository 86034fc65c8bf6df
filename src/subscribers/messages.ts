import { subscribers } from '../db/schema/index.js';
import type { JobContext, JobData, JobOutcome } from '../jobs/types.js';
import { sendMail, TransientMailError, undelivered } from '../mail/outbox.js';
import type { SubscriberMailDeps } from './deps.js';
import { describeFilters, type FilterCatalogue, type FilterLine } from './filters.js';
import { senderDomain, subscriberLinks } from './links.js';
import { confirmLinkDays } from '../tokens/signed-links.js';
import { findSubscriberMail, noteSubscriberEmailSent, type Subscriber } from './repo.js';
import { recordHardBounce } from './suppressions.js';
import { loadCatalogue } from '../meetings/catalogue.js';

export interface ConfirmEmail {
  confirmUrl: string;
  days: number;
  choices: FilterLine[];
}

export interface ManageEmail {
  manageUrl: string;
  /** One sentence on where the subscription stands. */
  standing: string;
}

declare module '../mail/templates.js' {
  interface TemplateData {
    confirm: ConfirmEmail;
    manage: ManageEmail;
  }
}

const standings: Record<Subscriber['status'], string> = {
  pending: 'This address is waiting for its subscription to be confirmed.',
  active: 'This address already gets the weekly digest.',
  paused: 'This address is subscribed, with the weekly digest paused.',
  unsubscribed: 'This address unsubscribed earlier; you can subscribe it again from the link below.',
  erased: '',
};

/**
 * Derived from the recorded mail, never random: if the process dies between
 * the SMTP server's accept and noting it, the retry carries the same
 * Message-ID and mailbox providers fold the two into one.
 */
function subscriberMailMessageId(kind: string, subscriber: Subscriber, recordedAt: Date, mailFrom: string): string {
  return `<${kind}.${subscriber.publicId}.${recordedAt.getTime()}@${senderDomain(mailFrom)}>`;
}

/**
 * The `subscriber-mail` job: renders and sends, one after another, the
 * confirmation or manage mails sign-ups recorded, with links made now (a
 * confirmation link works seven days from sending). Each is sent once: a
 * repeated job finds its Message-ID noted and passes over it. Nothing goes
 * to an address erased or suppressed since. A 5xx is final, logged and
 * counted as a hard bounce (the address is suppressed at HARD_BOUNCE_LIMIT,
 * as in the weekly run); a 4xx or a dropped connection is retried with
 * backoff (the job throws at the end), and logged as an error when the last
 * attempt gives up.
 */
export async function sendSubscriberMails(
  deps: SubscriberMailDeps,
  data: JobData['subscriber-mail'],
  context: JobContext,
): Promise<JobOutcome> {
  const outcome: JobOutcome = { sent: 0, skipped: 0, failed: 0 };
  const retries: unknown[] = [];
  // Read once per job, and only if a confirmation needs it (it names the chosen councils and topics).
  let catalogue: Promise<FilterCatalogue> | undefined;
  const readCatalogue = () => (catalogue ??= loadCatalogue(deps.db));
  for (const emailId of data.emailIds) {
    const result = await sendOne(deps, emailId, readCatalogue, context);
    if (typeof result === 'string') outcome[result] += 1;
    else retries.push(result.retry);
  }
  if (retries.length) {
    const first = retries[0] instanceof Error ? retries[0].message : String(retries[0]);
    throw new TransientMailError(`${retries.length} of ${data.emailIds.length} subscriber mails to retry (${first})`, { cause: retries[0] });
  }
  return outcome;
}

/** One mail: sent, skipped (sent before, or nobody to send it to), failed for good, or to retry. */
async function sendOne(
  deps: SubscriberMailDeps,
  emailId: number,
  readCatalogue: () => Promise<FilterCatalogue>,
  context: JobContext,
): Promise<keyof JobOutcome | { retry: unknown }> {
  const found = await findSubscriberMail(deps.db, emailId);
  if (found?.mail.messageId) return 'skipped';
  const subscriber = found?.subscriber;
  const who = { emailId, subscriber: subscriber?.id, kind: found?.mail.kind };
  if (!found || !subscriber?.email || found.suppressed) {
    deps.logger.info(who, 'subscriber mail not sent: the address was erased or suppressed since');
    return 'skipped';
  }
  const links = subscriberLinks(deps.baseUrl, deps.secret, subscriber, deps.now());
  const rendered =
    found.mail.kind === 'confirm'
      ? deps.templates.render('confirm', {
          confirmUrl: links.confirm(),
          days: confirmLinkDays,
          choices: describeFilters(subscriber, await readCatalogue()),
        })
      : deps.templates.render('manage', { manageUrl: links.manage(), standing: standings[subscriber.status] });
  let messageId: string;
  try {
    const sent = await sendMail(
      deps.mailer,
      { tokenSecret: deps.secret, bounceDomain: deps.bounceDomain },
      { to: subscriber.email, ...rendered, messageId: subscriberMailMessageId(found.mail.kind, subscriber, found.mail.sentAt, deps.mailFrom) },
      { kind: 'subscriber-mail', recipientId: subscriber.id, mailId: emailId },
    );
    messageId = sent.messageId;
  } catch (error) {
    const failure = await undelivered(error, (answer) =>
      recordHardBounce(deps.db, subscribers, subscriber.id, deps.hardBounceLimit, `${found.mail.kind} mail refused: ${answer}`),
    );
    if (failure.permanent) {
      deps.logger.warn({ ...who, err: error, suppressed: failure.suppressed }, 'subscriber mail refused permanently: not retried');
      return 'failed';
    }
    if (context.lastAttempt) deps.logger.error({ ...who, attempt: context.attempt, err: error }, 'subscriber mail not sent: giving up');
    return { retry: error };
  }
  await noteSubscriberEmailSent(deps.db, emailId, messageId);
  return 'sent';
}
