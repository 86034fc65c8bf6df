import { and, eq } from 'drizzle-orm';
import { feedRecipients, feeds, partners } from '../db/schema/index.js';
import type { JobContext, JobData, JobOutcome } from '../jobs/types.js';
import { sendMail, TransientMailError, undelivered } from '../mail/outbox.js';
import { listCouncils, listTopics } from '../meetings/catalogue.js';
import { describeFilters, type FilterLine } from '../subscribers/filters.js';
import { recordHardBounce, suppressedAmong } from '../subscribers/suppressions.js';
import { confirmLinkDays } from '../tokens/signed-links.js';
import type { FeedDeps, FeedMailDeps } from './deps.js';
import { FeedError } from './errors.js';
import { feedRecipientLinks } from './recipients.js';
import { feedFilters, recipientsOf, type Feed, type FeedRecipient } from './repo.js';

/** Asks one recipient of a newly approved feed to confirm before anything is sent. */
export interface FeedConfirmEmail {
  feedName: string;
  partnerName: string;
  confirmUrl: string;
  days: number;
  choices: FilterLine[];
}

/** Tells a partner what an operator decided about its feed request. */
export interface FeedDecisionEmail {
  partnerName: string;
  feedName: string;
  approved: boolean;
  /** The operator's note; null when approval came without one. */
  note: string | null;
  recipients: number;
}

declare module '../mail/templates.js' {
  interface TemplateData {
    'feed-confirm': FeedConfirmEmail;
    'feed-decision': FeedDecisionEmail;
  }
}

export interface ConfirmationsQueued {
  /** Pending recipients the `feed-confirm` job will mail. */
  queued: number;
  /** Addresses on the suppression list: never mailed, whoever asks. */
  suppressed: number;
}

/** How long an approval waits for the queue to take its confirmations before saying it could not. */
export const queueWaitMs = 5_000;

/**
 * Queues the confirmation mails of a feed just approved: one `feed-confirm`
 * job for the feed, which the approval does not wait for. Answers how many
 * of its pending recipients it will mail: those not mailed yet, so queueing
 * again (an approval repeated after the queue was down) asks nobody twice.
 * A queue that does not take the job within `queueWaitMs` (Redis down) is a
 * FeedError `unavailable`, saying to approve again.
 */
export async function queueFeedConfirmations(deps: FeedDeps, feed: Feed, recipients: FeedRecipient[], waitMs = queueWaitMs): Promise<ConfirmationsQueued> {
  const pending = recipients.filter((recipient) => recipient.status === 'pending' && !recipient.confirmationSentAt);
  const suppressed = (await suppressedAmong(deps.db, pending.map((recipient) => recipient.emailKey))).size;
  const queued = pending.length - suppressed;
  if (!queued) return { queued, suppressed };
  // One job a feed: its id names it, so a repeated approval while the first job waits adds nothing.
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
  try {
    const added = deps.queue.add({ name: 'feed-confirm', data: { feedId: feed.id }, jobId: `feed-confirm-${feed.id}` });
    // If it gives up waiting, the add may still land when Redis is back: the job is idempotent.
    added.catch(() => undefined);
    if ((await Promise.race([added, gaveUp])) === 'timeout') throw new Error(`the queue did not answer within ${waitMs / 1000} s`);
  } catch (error) {
    deps.logger.error({ feed: feed.publicId, err: error }, 'feed confirmations not queued');
    throw new FeedError(
      'unavailable',
      `The feed is active, but its ${queued} confirmation mail${queued === 1 ? '' : 's'} could not be queued (${(error as Error).message}). Approve it again once the queue is back: only recipients not yet mailed are asked.`,
    );
  } finally {
    clearTimeout(timer);
  }
  return { queued, suppressed };
}

/**
 * The `feed-confirm` job: mails every pending recipient of an approved feed
 * its confirmation link (seven days from sending). Each is sent once: one
 * whose confirmation was sent (`confirmation_sent_at`) is passed over when
 * the job repeats. Nothing goes to a suppressed address, or for a feed no
 * longer active. A 5xx is final, logged and counted as a hard bounce (the
 * address is suppressed at HARD_BOUNCE_LIMIT); a 4xx or a dropped
 * connection is retried with backoff, the retry working on those
 * recipients alone, and logged as an error when the last attempt gives up.
 */
export async function sendFeedConfirmations(deps: FeedMailDeps, data: JobData['feed-confirm'], context: JobContext): Promise<JobOutcome> {
  const outcome: JobOutcome = { sent: 0, skipped: 0, failed: 0 };
  const [found] = await deps.db
    .select({ feed: feeds, partnerName: partners.name })
    .from(feeds)
    .innerJoin(partners, eq(partners.id, feeds.partnerId))
    .where(eq(feeds.id, data.feedId));
  if (found?.feed.status !== 'active') return outcome;
  const { feed, partnerName } = found;
  const only = data.recipientIds && new Set(data.recipientIds);
  const pending = (await recipientsOf(deps.db, [feed.id]))
    .get(feed.id)!
    .filter((recipient) => recipient.status === 'pending' && !recipient.confirmationSentAt && (!only || only.has(recipient.id)));
  if (!pending.length) return outcome;
  const [blocked, councils, topics] = await Promise.all([
    suppressedAmong(deps.db, pending.map((recipient) => recipient.emailKey)),
    listCouncils(deps.db),
    listTopics(deps.db),
  ]);
  const choices = describeFilters(feedFilters(feed), { councils, topics });
  const retries = new Map<number, unknown>();
  for (const recipient of pending) {
    if (blocked.has(recipient.emailKey)) {
      outcome.skipped += 1;
      continue;
    }
    const result = await sendConfirmation(deps, { feed, partnerName, choices }, recipient, context);
    if (typeof result === 'string') outcome[result] += 1;
    else retries.set(recipient.id, result.retry);
  }
  if (retries.size) {
    await context.retryWith?.({ feedId: feed.id, recipientIds: [...retries.keys()] });
    const [first] = retries.values();
    const reason = first instanceof Error ? first.message : String(first);
    throw new TransientMailError(`${retries.size} of ${pending.length} feed confirmations to retry (${reason})`, { cause: first });
  }
  return outcome;
}

/** One recipient's confirmation: sent, failed for good, or to retry. */
async function sendConfirmation(
  deps: FeedMailDeps,
  about: { feed: Feed; partnerName: string; choices: FilterLine[] },
  recipient: FeedRecipient,
  context: JobContext,
): Promise<'sent' | 'failed' | { retry: unknown }> {
  const { feed } = about;
  const now = deps.now();
  const rendered = deps.templates.render('feed-confirm', {
    feedName: feed.name,
    partnerName: about.partnerName,
    confirmUrl: feedRecipientLinks(deps.baseUrl, deps.secret, recipient, now).confirm,
    days: confirmLinkDays,
    choices: about.choices,
  });
  const who = { feed: feed.publicId, recipient: recipient.publicId };
  try {
    const returnPaths = { tokenSecret: deps.secret, bounceDomain: deps.bounceDomain };
    await sendMail(deps.mailer, returnPaths, { to: recipient.email, ...rendered }, { kind: 'feed-confirm', recipientId: recipient.id, mailId: 0 });
  } catch (error) {
    const failure = await undelivered(error, (answer) =>
      recordHardBounce(deps.db, feedRecipients, recipient.id, deps.hardBounceLimit, `feed confirmation refused: ${answer}`),
    );
    if (failure.permanent) {
      deps.logger.warn({ err: error, ...who, suppressed: failure.suppressed }, 'feed confirmation refused permanently');
      return 'failed';
    }
    if (context.lastAttempt) deps.logger.error({ err: error, ...who, attempt: context.attempt }, 'feed confirmation not sent');
    return { retry: error };
  }
  await deps.db
    .update(feedRecipients)
    .set({ confirmationSentAt: now })
    .where(and(eq(feedRecipients.id, recipient.id), eq(feedRecipients.status, 'pending')));
  return 'sent';
}

/** Tells the partner's contact address about the decision; false (and logged) when the mail could not be sent. */
export async function sendFeedDecision(
  deps: FeedDeps,
  partner: { name: string; contactEmail: string },
  data: Omit<FeedDecisionEmail, 'partnerName'>,
  feedPublicId: string,
): Promise<boolean> {
  const rendered = deps.templates.render('feed-decision', { partnerName: partner.name, ...data });
  try {
    await deps.mailer.send({ to: partner.contactEmail, ...rendered });
    return true;
  } catch (error) {
    deps.logger.error({ err: error, feed: feedPublicId }, 'feed decision not sent to the partner');
    return false;
  }
}
