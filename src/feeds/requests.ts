import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { partners } from '../db/schema/index.js';
import { loadCatalogue } from '../meetings/catalogue.js';
import { EmailAddressError, emailKey } from '../subscribers/email.js';
import { describeUnknown, filterSetSchema, normaliseFilters, unknownFilterValues, type FilterSet } from '../subscribers/filters.js';
import type { FeedDeps } from './deps.js';
import { queueFeedConfirmations, sendFeedDecision, type ConfirmationsQueued } from './emails.js';
import { FeedError } from './errors.js';
import { previewFeed, type FeedPreview } from './items.js';
import { activeFeed, countOpenFeeds, decideFeed, feedFilters, insertFeed, recipientsOf, type Feed, type FeedRecipient } from './repo.js';
import { generateAtomToken } from '../tokens/keys.js';

/** A partner's feed request, from asking to an operator's decision. */

const oneLine = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max).refine((value) => !/[\r\n]/.test(value), 'must be on one line');

/** An address emailKey accepts, with its reason when it does not. */
export const emailAddress = z
  .string()
  .trim()
  .superRefine((value, context) => {
    try {
      emailKey(value);
    } catch (error) {
      if (!(error instanceof EmailAddressError)) throw error;
      context.addIssue({ code: 'custom', message: error.message });
    }
  });

/** The body of POST /api/partner/feeds; the recipient limit comes from RECIPIENTS_PER_FEED. */
export function feedRequestSchema(recipientsPerFeed: number) {
  return filterSetSchema.extend({
    name: oneLine(100),
    recipients: z.array(emailAddress).max(recipientsPerFeed, `at most ${recipientsPerFeed} recipients per feed`).default([]),
  });
}

export type FeedRequestInput = z.output<ReturnType<typeof feedRequestSchema>>;

/** A feed as its partner and operators see it. */
export function feedView(feed: Feed, recipients: FeedRecipient[]) {
  return {
    id: feed.publicId,
    name: feed.name,
    status: feed.status,
    filters: feedFilters(feed),
    recipients: recipients.map((recipient) => ({ email: recipient.email, status: recipient.status })),
    decisionNote: feed.decisionNote,
    decidedAt: feed.decidedAt?.toISOString() ?? null,
    atomTokenCreatedAt: feed.atomTokenCreatedAt.toISOString(),
    createdAt: feed.createdAt.toISOString(),
  };
}

export type FeedView = ReturnType<typeof feedView>;

/** Slugs that name nothing answer with the valid ones, so a typo is fixed in one go. */
async function assertKnownSlugs(deps: FeedDeps, filters: FilterSet) {
  const unknown = unknownFilterValues(filters, await loadCatalogue(deps.db));
  if (unknown.length) {
    throw new FeedError(
      'unknown_values',
      unknown.map((each) => describeUnknown(each)).join(' '),
      unknown.map(({ field, unknown: names }) => ({ path: `body.${field}`, message: `unknown: ${names.join(', ')}` })),
    );
  }
}

/**
 * Records a feed request with status `requested` and its recipients
 * (pending: nobody is mailed before an operator approves), and previews the
 * last four weeks. The Atom token is returned once; only its hash is kept.
 */
export async function requestFeed(
  deps: FeedDeps,
  partnerId: number,
  input: FeedRequestInput,
): Promise<{ feed: FeedView; preview: FeedPreview; atomToken: string }> {
  const filters = normaliseFilters(input);
  await assertKnownSlugs(deps, filters);
  // One address once per feed, first spelling kept.
  const recipients = new Map<string, { email: string; emailKey: string }>();
  for (const email of input.recipients) {
    const key = emailKey(email);
    if (!recipients.has(key)) recipients.set(key, { email, emailKey: key });
  }
  const atom = generateAtomToken();
  const feed = await deps.db.transaction(async (tx) => {
    // Locking the partner row serialises its requests, so two at once cannot both slip under the limit.
    await tx.select({ id: partners.id }).from(partners).where(eq(partners.id, partnerId)).for('update');
    const open = await countOpenFeeds(tx, partnerId);
    if (open >= deps.limits.feedsPerPartner) {
      throw new FeedError(
        'limit_reached',
        `This partner already has ${open} feeds requested or active, the most allowed; ask an operator to raise FEEDS_PER_PARTNER`,
      );
    }
    return insertFeed(tx, { partnerId, name: input.name, filters, atomTokenHash: atom.hash, recipients: [...recipients.values()] });
  });
  const [preview, stored] = await Promise.all([previewFeed(deps.db, filters, deps.now()), recipientsOf(deps.db, [feed.id])]);
  return { feed: feedView(feed, stored.get(feed.id)!), preview, atomToken: atom.token };
}

export interface FeedDecision {
  feed: FeedView;
  partnerNotified: boolean;
  /** Approval only: the confirmation mails to recipients, queued. */
  confirmations: ConfirmationsQueued;
}

async function partnerOfFeed(deps: FeedDeps, feed: Feed) {
  const [partner] = await deps.db.select().from(partners).where(eq(partners.id, feed.partnerId));
  return partner!;
}

/**
 * Makes a requested feed active, tells the partner, and queues a
 * confirmation to each recipient. Approving an active feed again queues the
 * confirmations of recipients never mailed (after the queue was down), and
 * is a conflict when there are none.
 */
export async function approveFeedRequest(deps: FeedDeps, publicId: string, note: string | null): Promise<FeedDecision> {
  let feed: Feed;
  let again = false;
  try {
    feed = await decideFeed(deps.db, publicId, 'active', note, deps.now());
  } catch (error) {
    const active = error instanceof FeedError && error.problem === 'conflict' ? await activeFeedAwaitingConfirmations(deps, publicId) : undefined;
    if (!active) throw error;
    feed = active;
    again = true;
  }
  const [partner, recipients] = await Promise.all([partnerOfFeed(deps, feed), recipientsOf(deps.db, [feed.id])]);
  const own = recipients.get(feed.id)!;
  const partnerNotified = again ? false : await sendFeedDecision(deps, partner, { feedName: feed.name, approved: true, note, recipients: own.length }, feed.publicId);
  const confirmations = await queueFeedConfirmations(deps, feed, own);
  deps.logger.info({ feed: feed.publicId, confirmations, again }, again ? 'feed confirmations queued again' : 'feed request approved');
  return { feed: feedView(feed, own), partnerNotified, confirmations };
}

/** An active feed with pending recipients never mailed their confirmation: what a repeated approval is for. */
async function activeFeedAwaitingConfirmations(deps: FeedDeps, publicId: string): Promise<Feed | undefined> {
  const feed = await activeFeed(deps.db, publicId);
  if (!feed) return undefined;
  const recipients = (await recipientsOf(deps.db, [feed.id])).get(feed.id)!;
  return recipients.some((recipient) => recipient.status === 'pending' && !recipient.confirmationSentAt) ? feed : undefined;
}

/** Rejects a requested feed with the operator's note, which the partner is mailed. */
export async function rejectFeedRequest(deps: FeedDeps, publicId: string, note: string): Promise<FeedDecision> {
  const feed = await decideFeed(deps.db, publicId, 'rejected', note, deps.now());
  const [partner, recipients] = await Promise.all([partnerOfFeed(deps, feed), recipientsOf(deps.db, [feed.id])]);
  const own = recipients.get(feed.id)!;
  const partnerNotified = await sendFeedDecision(deps, partner, { feedName: feed.name, approved: false, note, recipients: own.length }, feed.publicId);
  deps.logger.info({ feed: feed.publicId }, 'feed request rejected');
  return { feed: feedView(feed, own), partnerNotified, confirmations: { queued: 0, suppressed: 0 } };
}
