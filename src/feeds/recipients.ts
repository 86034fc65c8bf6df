import { and, asc, eq, gt, inArray, notExists, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { feedRecipients, feeds, partners, suppressions } from '../db/schema/index.js';
import type { FilterSet } from '../subscribers/filters.js';
import { checkClaims, confirmLinkDays, signToken, verifyToken, type TokenClaims } from '../tokens/signed-links.js';
import { feedFilters, type Feed, type FeedRecipient } from './repo.js';

/**
 * A feed recipient's life: confirm (double opt-in), unsubscribe, and what the
 * weekly run reads. Links carry the recipient's random public id in an HMAC
 * token ('feed-confirm' expires after seven days; 'feed-unsubscribe' never
 * does and ignores the token version, because unsubscribing is always safe).
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function feedRecipientLinks(baseUrl: string, secret: string, recipient: Pick<FeedRecipient, 'publicId' | 'tokenVersion'>, now: Date) {
  const claims = { subject: recipient.publicId, version: recipient.tokenVersion };
  return {
    confirm: `${baseUrl}/feeds/confirm/${signToken(secret, {
      purpose: 'feed-confirm',
      ...claims,
      expiresAt: Math.floor(now.getTime() / 1000) + confirmLinkDays * 86_400,
    })}`,
    unsubscribe: `${baseUrl}/feeds/unsubscribe/${signToken(secret, { purpose: 'feed-unsubscribe', ...claims })}`,
  };
}

/** Derived from (recipient, week), so the one resend a crash can cause carries the same Message-ID. */
export function feedDeliveryMessageId(recipientPublicId: string, week: string, domain: string): string {
  return `<feed.${recipientPublicId}.${week}@${domain}>`;
}

export interface RecipientContext {
  recipient: FeedRecipient;
  feed: Feed;
  partnerName: string;
}

async function recipientContext(db: Executor, publicId: string): Promise<RecipientContext | undefined> {
  if (!uuidPattern.test(publicId)) return undefined;
  const [row] = await db
    .select({ recipient: feedRecipients, feed: feeds, partnerName: partners.name })
    .from(feedRecipients)
    .innerJoin(feeds, eq(feeds.id, feedRecipients.feedId))
    .innerJoin(partners, eq(partners.id, feeds.partnerId))
    .where(eq(feedRecipients.publicId, publicId));
  return row;
}

export type ConfirmOutcome = { outcome: 'confirmed' | 'already-active'; context: RecipientContext } | { outcome: 'stale' };

/**
 * Confirms a recipient from a 'feed-confirm' link (throws TokenError for a
 * damaged, forged or expired one). A link from before an unsubscribe, or for a
 * feed no longer active, is stale.
 */
export async function confirmFeedRecipient(db: Db, secret: string, token: string, now: Date): Promise<ConfirmOutcome> {
  const claims = verifyToken(secret, token, 'feed-confirm', now);
  const context = await recipientContext(db, claims.subject);
  if (!context || context.recipient.tokenVersion !== claims.version || context.feed.status !== 'active') return { outcome: 'stale' };
  if (context.recipient.status === 'active') return { outcome: 'already-active', context };
  const [confirmed] = await db
    .update(feedRecipients)
    .set({ status: 'active', confirmedAt: now, unsubscribedAt: null })
    .where(
      and(
        eq(feedRecipients.id, context.recipient.id),
        eq(feedRecipients.tokenVersion, claims.version),
        inArray(feedRecipients.status, ['pending', 'unsubscribed']),
      ),
    )
    .returning();
  return confirmed ? { outcome: 'confirmed', context: { ...context, recipient: confirmed } } : { outcome: 'already-active', context };
}

/** Who an unsubscribe link names (throws TokenError for a bad link); undefined once the recipient is gone. */
export async function unsubscribeContext(db: Executor, secret: string, token: string): Promise<RecipientContext | undefined> {
  const claims = verifyToken(secret, token, 'feed-unsubscribe');
  return recipientContext(db, claims.subject);
}

/**
 * The feed recipient half of `unsubscribeByToken` (./unsubscribe.ts):
 * unsubscribes the recipient a genuine 'feed-unsubscribe' link's claims
 * name (otherwise a TokenError); doing it twice is harmless, and undefined
 * once the recipient is gone. The token version is bumped so confirmation
 * links mailed earlier stop working; the fresh link returned lets the
 * person change their mind in one click.
 */
export async function unsubscribeFeedRecipient(
  db: Executor,
  secret: string,
  baseUrl: string,
  claims: TokenClaims,
  now: Date,
): Promise<(RecipientContext & { resubscribeUrl: string }) | undefined> {
  const context = await recipientContext(db, checkClaims(claims, 'feed-unsubscribe', now).subject);
  if (!context) return undefined;
  const [updated] = await db
    .update(feedRecipients)
    .set({ status: 'unsubscribed', unsubscribedAt: now, tokenVersion: sql`${feedRecipients.tokenVersion} + 1` })
    .where(and(eq(feedRecipients.id, context.recipient.id), inArray(feedRecipients.status, ['pending', 'active'])))
    .returning();
  const recipient = updated ?? context.recipient;
  return { ...context, recipient, resubscribeUrl: feedRecipientLinks(baseUrl, secret, recipient, now).confirm };
}

export interface FeedRecipientForRun {
  id: number;
  publicId: string;
  email: string;
  tokenVersion: number;
  feed: { id: number; publicId: string; name: string; partnerName: string; filters: FilterSet; filterKey: string };
}

function forRun({ recipient, feed, partnerName }: { recipient: FeedRecipient; feed: Feed; partnerName: string }): FeedRecipientForRun {
  return {
    id: recipient.id,
    publicId: recipient.publicId,
    email: recipient.email,
    tokenVersion: recipient.tokenVersion,
    feed: { id: feed.id, publicId: feed.publicId, name: feed.name, partnerName, filters: feedFilters(feed), filterKey: feed.filterKey },
  };
}

const suppressed = (db: Db) => db.select({ one: sql`1` }).from(suppressions).where(eq(suppressions.emailKey, feedRecipients.emailKey));

/**
 * The weekly run's fan-out: confirmed recipients of active feeds after
 * `cursor` (a recipient id), in id order, leaving out suppressed addresses.
 * Keyset pagination on the partial index feed_recipients_active_idx, so an
 * interrupted fan-out resumes from the last id it queued.
 */
export async function activeFeedRecipientsAfter(db: Db, cursor: number, limit: number): Promise<FeedRecipientForRun[]> {
  const rows = await db
    .select({ recipient: feedRecipients, feed: feeds, partnerName: partners.name })
    .from(feedRecipients)
    .innerJoin(feeds, eq(feeds.id, feedRecipients.feedId))
    .innerJoin(partners, eq(partners.id, feeds.partnerId))
    .where(and(gt(feedRecipients.id, cursor), eq(feedRecipients.status, 'active'), eq(feeds.status, 'active'), notExists(suppressed(db))))
    .orderBy(asc(feedRecipients.id))
    .limit(limit);
  return rows.map(forRun);
}

/**
 * A send job's feed recipients as they are now: one may have unsubscribed,
 * or the address been suppressed, since the fan-out. Says why when a
 * recipient should no longer be mailed.
 */
export async function feedRecipientsForSend(db: Db, ids: number[]): Promise<(FeedRecipientForRun & { unsendable: string | undefined })[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ recipient: feedRecipients, feed: feeds, partnerName: partners.name, suppressed: sql<boolean>`exists (${suppressed(db)})` })
    .from(feedRecipients)
    .innerJoin(feeds, eq(feeds.id, feedRecipients.feedId))
    .innerJoin(partners, eq(partners.id, feeds.partnerId))
    .where(inArray(feedRecipients.id, ids));
  return rows.map((row) => {
    const unsendable =
      row.recipient.status !== 'active'
        ? `feed recipient is ${row.recipient.status}`
        : row.feed.status !== 'active'
          ? `feed is ${row.feed.status}`
          : row.suppressed
            ? 'address is suppressed'
            : undefined;
    return { ...forRun(row), unsendable };
  });
}
