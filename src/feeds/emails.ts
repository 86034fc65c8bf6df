import { and, eq, inArray } from 'drizzle-orm';
import { feedRecipients, suppressions } from '../db/schema/index.js';
import { feedRecipientDeliveries, recordHardBounce } from '../digests/delivery-repo.js';
import { returnPathFor } from '../mail/return-path.js';
import { isPermanentSmtpError } from '../mail/transport.js';
import { listCouncils, listTopics } from '../meetings/catalogue.js';
import { describeFilters, type FilterLine } from '../subscribers/filters.js';
import { confirmLinkDays } from '../tokens/signed-links.js';
import type { FeedDeps } from './deps.js';
import { feedRecipientLinks } from './recipients.js';
import { feedFilters, type Feed, type FeedRecipient } from './repo.js';

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

export interface ConfirmationsSent {
  sent: number;
  /** Addresses on the suppression list: never mailed, whoever asks. */
  suppressed: number;
  failed: number;
}

/**
 * Mails every pending recipient of a feed its confirmation link. A failure
 * for one address is logged and counted, not thrown: the others still go,
 * and the operator sees the count. A 5xx also counts as a hard bounce, so
 * an address that keeps refusing is suppressed at HARD_BOUNCE_LIMIT.
 */
export async function sendFeedConfirmations(
  deps: FeedDeps,
  feed: Feed,
  partnerName: string,
  recipients: FeedRecipient[],
): Promise<ConfirmationsSent> {
  const pending = recipients.filter((recipient) => recipient.status === 'pending');
  const result: ConfirmationsSent = { sent: 0, suppressed: 0, failed: 0 };
  if (!pending.length) return result;
  const [suppressed, councils, topics] = await Promise.all([
    deps.db
      .select({ emailKey: suppressions.emailKey })
      .from(suppressions)
      .where(inArray(suppressions.emailKey, pending.map((recipient) => recipient.emailKey))),
    listCouncils(deps.db),
    listTopics(deps.db),
  ]);
  const blocked = new Set(suppressed.map((row) => row.emailKey));
  const choices = describeFilters(feedFilters(feed), { councils, topics });
  for (const recipient of pending) {
    if (blocked.has(recipient.emailKey)) {
      result.suppressed += 1;
      continue;
    }
    const now = deps.now();
    const rendered = deps.templates.render('feed-confirm', {
      feedName: feed.name,
      partnerName,
      confirmUrl: feedRecipientLinks(deps.baseUrl, deps.secret, recipient, now).confirm,
      days: confirmLinkDays,
      choices,
    });
    try {
      const returnPath = returnPathFor({ tokenSecret: deps.secret, bounceDomain: deps.bounceDomain }, { kind: 'feed-confirm', recipientId: recipient.id, mailId: 0 });
      await deps.mailer.send({ to: recipient.email, ...rendered, returnPath });
      await deps.db
        .update(feedRecipients)
        .set({ confirmationSentAt: now })
        .where(and(eq(feedRecipients.id, recipient.id), eq(feedRecipients.status, 'pending')));
      result.sent += 1;
    } catch (error) {
      result.failed += 1;
      if (!isPermanentSmtpError(error)) {
        deps.logger.error({ err: error, feed: feed.publicId, recipient: recipient.publicId }, 'feed confirmation not sent');
        continue;
      }
      const note = `feed confirmation refused: ${error instanceof Error ? error.message : String(error)}`;
      const suppressed = await recordHardBounce(deps.db, feedRecipientDeliveries, recipient.id, deps.hardBounceLimit, note);
      deps.logger.warn({ err: error, feed: feed.publicId, recipient: recipient.publicId, suppressed }, 'feed confirmation refused permanently');
    }
  }
  return result;
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
