import { and, asc, count, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { feeds, partnerKeys, partners } from '../db/schema/index.js';
import { FeedError } from './errors.js';
import { generatePartnerKey, matchesHash, partnerKeyPrefix } from '../tokens/keys.js';

/** Partners and their API keys: the SQL behind operator management and partner sign-in. */

export type Partner = typeof partners.$inferSelect;
type KeyRow = typeof partnerKeys.$inferSelect;

export interface IssuedKey {
  id: number;
  prefix: string;
  /** The whole key, shown once: only its hash is stored. */
  key: string;
  createdAt: Date;
}

export interface AuthenticatedPartner {
  partnerId: number;
  name: string;
  keyId: number;
}

/** Why a key was refused; the HTTP layer says all of them as one 401. */
export type KeyRefusal = 'malformed' | 'unknown' | 'revoked';

/** last_used_at is written at most this often, so a busy partner does not write on every request. */
const lastUsedResolutionMs = 60_000;

async function insertKey(db: Pick<Db, 'insert'>, partnerId: number): Promise<IssuedKey> {
  // Two keys sharing a random 8-character prefix is a one-in-billions event; try again if it happens.
  for (;;) {
    const fresh = generatePartnerKey();
    const [row] = await db
      .insert(partnerKeys)
      .values({ partnerId, prefix: fresh.prefix, hash: fresh.hash })
      .onConflictDoNothing({ target: partnerKeys.prefix })
      .returning();
    if (row) return { id: row.id, prefix: row.prefix, key: fresh.key, createdAt: row.createdAt };
  }
}

export async function createPartner(db: Db, values: { name: string; contactEmail: string }): Promise<{ partner: Partner; key: IssuedKey }> {
  return db.transaction(async (tx) => {
    const [partner] = await tx
      .insert(partners)
      .values(values)
      .onConflictDoNothing()
      .returning();
    if (!partner) throw new FeedError('conflict', `A partner named "${values.name}" already exists`, [{ path: 'body.name', message: 'already taken' }]);
    return { partner, key: await insertKey(tx, partner.id) };
  });
}

function keyView(row: KeyRow) {
  return { id: row.id, prefix: row.prefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

/** Every partner with its keys (never their hashes) and how many feeds it has that are not rejected. */
export async function listPartners(db: Db) {
  const [partnerRows, keyRows, feedCounts] = await Promise.all([
    db.select().from(partners).orderBy(asc(partners.name)),
    db.select().from(partnerKeys).orderBy(asc(partnerKeys.id)),
    db
      .select({ partnerId: feeds.partnerId, feeds: count() })
      .from(feeds)
      .where(ne(feeds.status, 'rejected'))
      .groupBy(feeds.partnerId),
  ]);
  return partnerRows.map((partner) => ({
    ...partner,
    feeds: feedCounts.find((row) => row.partnerId === partner.id)?.feeds ?? 0,
    keys: keyRows.filter((row) => row.partnerId === partner.id).map(keyView),
  }));
}

/**
 * A new key for a partner. Other keys stay valid unless `revokeOthers`, so a
 * partner can switch over before the old key is revoked.
 */
export async function issuePartnerKey(db: Db, partnerId: number, options: { revokeOthers: boolean }, now: Date): Promise<IssuedKey> {
  return db.transaction(async (tx) => {
    const [partner] = await tx.select({ id: partners.id }).from(partners).where(eq(partners.id, partnerId)).for('update');
    if (!partner) throw new FeedError('not_found', `No partner ${partnerId}`);
    if (options.revokeOthers) {
      await tx
        .update(partnerKeys)
        .set({ revokedAt: now })
        .where(and(eq(partnerKeys.partnerId, partnerId), isNull(partnerKeys.revokedAt)));
    }
    return insertKey(tx, partnerId);
  });
}

/** Revokes one key; revoking it again keeps the first time. */
export async function revokePartnerKey(db: Db, partnerId: number, keyId: number, now: Date) {
  const [row] = await db
    .update(partnerKeys)
    .set({ revokedAt: sql`coalesce(${partnerKeys.revokedAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(partnerKeys.id, keyId), eq(partnerKeys.partnerId, partnerId)))
    .returning();
  if (!row) throw new FeedError('not_found', `Partner ${partnerId} has no key ${keyId}`);
  return keyView(row);
}

/**
 * The partner a bearer key belongs to. The row is found by the key's
 * visible prefix and the whole key checked against its hash in constant
 * time; the key itself is never stored, logged or returned.
 */
export async function authenticatePartner(db: Db, key: string, now: Date): Promise<AuthenticatedPartner | KeyRefusal> {
  const prefix = partnerKeyPrefix(key);
  if (!prefix) return 'malformed';
  const [row] = await db
    .select({ key: partnerKeys, name: partners.name })
    .from(partnerKeys)
    .innerJoin(partners, eq(partners.id, partnerKeys.partnerId))
    .where(eq(partnerKeys.prefix, prefix));
  if (!row || !matchesHash(key, row.key.hash)) return 'unknown';
  if (row.key.revokedAt) return 'revoked';
  await db
    .update(partnerKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(partnerKeys.id, row.key.id),
        or(isNull(partnerKeys.lastUsedAt), lt(partnerKeys.lastUsedAt, new Date(now.getTime() - lastUsedResolutionMs))),
      ),
    );
  return { partnerId: row.key.partnerId, name: row.name, keyId: row.key.id };
}
