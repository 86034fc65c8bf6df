import { and, asc, count, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { feedRecipients, feeds, partners, type FeedStatus } from '../db/schema/index.js';
import { filterKey, type FilterSet } from '../subscribers/filters.js';
import { FeedError } from './errors.js';
import { matchesHash } from '../tokens/keys.js';

/**
 * The SQL of a feed's life. Every query a partner can reach names the
 * partner's id in its WHERE clause, so another partner's feed is simply
 * not found; status changes name the status they start from, so two
 * operators deciding at once cannot both win.
 */

export type Feed = typeof feeds.$inferSelect;
export type FeedRecipient = typeof feedRecipients.$inferSelect;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function feedFilters(feed: Pick<Feed, 'councils' | 'committees' | 'topics' | 'keywords'>): FilterSet {
  return { councils: feed.councils, committees: feed.committees, topics: feed.topics, keywords: feed.keywords };
}

/** Feeds that count against a partner's limit: requested and active ones. */
export async function countOpenFeeds(db: Db | Tx, partnerId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(feeds)
    .where(and(eq(feeds.partnerId, partnerId), ne(feeds.status, 'rejected')));
  return row?.n ?? 0;
}

export async function insertFeed(
  tx: Tx,
  values: { partnerId: number; name: string; filters: FilterSet; atomTokenHash: string; recipients: { email: string; emailKey: string }[] },
): Promise<Feed> {
  const [feed] = await tx
    .insert(feeds)
    .values({ partnerId: values.partnerId, name: values.name, atomTokenHash: values.atomTokenHash, ...values.filters, filterKey: filterKey(values.filters) })
    .returning();
  // A feed may have no recipients: an Atom-only feed.
  if (values.recipients.length) {
    await tx.insert(feedRecipients).values(values.recipients.map((recipient) => ({ feedId: feed!.id, ...recipient })));
  }
  return feed!;
}

/** One of this partner's feeds by its public id; another partner's is not found. */
export async function partnerFeed(db: Db, partnerId: number, publicId: string): Promise<Feed> {
  const [feed] = uuidPattern.test(publicId)
    ? await db.select().from(feeds).where(and(eq(feeds.publicId, publicId), eq(feeds.partnerId, partnerId)))
    : [];
  if (!feed) throw new FeedError('not_found', `No feed ${publicId}`);
  return feed;
}

export async function partnerFeeds(db: Db, partnerId: number): Promise<Feed[]> {
  return db.select().from(feeds).where(eq(feeds.partnerId, partnerId)).orderBy(asc(feeds.createdAt), asc(feeds.id));
}

export async function recipientsOf(db: Db, feedIds: number[]): Promise<Map<number, FeedRecipient[]>> {
  const rows = feedIds.length
    ? await db.select().from(feedRecipients).where(inArray(feedRecipients.feedId, feedIds)).orderBy(asc(feedRecipients.id))
    : [];
  const byFeed = new Map<number, FeedRecipient[]>(feedIds.map((id) => [id, []]));
  for (const row of rows) byFeed.get(row.feedId)!.push(row);
  return byFeed;
}

/** Feed requests for operators, oldest first, with the partner asking. */
export async function feedRequests(db: Db, status: FeedStatus | undefined) {
  return db
    .select({ feed: feeds, partner: { id: partners.id, name: partners.name, contactEmail: partners.contactEmail } })
    .from(feeds)
    .innerJoin(partners, eq(partners.id, feeds.partnerId))
    .where(status ? eq(feeds.status, status) : undefined)
    .orderBy(asc(feeds.createdAt), asc(feeds.id));
}

/** Approves or rejects a requested feed; a feed already decided is a conflict, an unknown one not found. */
export async function decideFeed(db: Db, publicId: string, status: 'active' | 'rejected', note: string | null, now: Date): Promise<Feed> {
  const [decided] = uuidPattern.test(publicId)
    ? await db
        .update(feeds)
        .set({ status, decisionNote: note, decidedAt: now, updatedAt: now })
        .where(and(eq(feeds.publicId, publicId), eq(feeds.status, 'requested')))
        .returning()
    : [];
  if (decided) return decided;
  const [existing] = uuidPattern.test(publicId) ? await db.select().from(feeds).where(eq(feeds.publicId, publicId)) : [];
  if (!existing) throw new FeedError('not_found', `No feed request ${publicId}`);
  throw new FeedError('conflict', `Feed request ${publicId} was already decided: it is ${existing.status}`);
}

/** The active feed of this public id, if there is one. */
export async function activeFeed(db: Db, publicId: string): Promise<Feed | undefined> {
  if (!uuidPattern.test(publicId)) return undefined;
  const [feed] = await db.select().from(feeds).where(and(eq(feeds.publicId, publicId), eq(feeds.status, 'active')));
  return feed;
}

export async function replaceAtomTokenHash(db: Db, partnerId: number, publicId: string, hash: string, now: Date): Promise<Feed> {
  const feed = await partnerFeed(db, partnerId, publicId);
  const [updated] = await db
    .update(feeds)
    .set({ atomTokenHash: hash, atomTokenCreatedAt: now, updatedAt: now })
    .where(and(eq(feeds.id, feed.id), eq(feeds.partnerId, partnerId)))
    .returning();
  return updated!;
}

/** The active feed an Atom URL names, when its token is the current one; anything else is not found. */
export async function feedByAtomToken(db: Db, publicId: string, token: string): Promise<Feed | undefined> {
  if (!uuidPattern.test(publicId)) return undefined;
  const [feed] = await db.select().from(feeds).where(and(eq(feeds.publicId, publicId), eq(feeds.status, 'active')));
  return feed && matchesHash(token, feed.atomTokenHash) ? feed : undefined;
}
