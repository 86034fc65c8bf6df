import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { operatorApiTokens, operators } from '../db/schema/index.js';
import { matchesHash } from '../tokens/keys.js';
import type { Operator } from './operators.js';
import { apiTokenPrefix, generateApiToken } from '../tokens/operator-keys.js';

/** Personal API tokens: an operator's own bearer tokens, with their role, for scripts. */

export interface ApiTokenView {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** last_used_at is written at most this often, so a busy script does not write on every request. */
const lastUsedResolutionMs = 60_000;

const view = (row: typeof operatorApiTokens.$inferSelect): ApiTokenView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
});

/** A new token for the operator: the whole token is in this answer only. */
export async function createApiToken(db: Db, operatorId: number, name: string): Promise<ApiTokenView & { token: string }> {
  // Two tokens sharing a random 8-character prefix is a one-in-billions event; try again if it happens.
  for (;;) {
    const fresh = generateApiToken();
    const [row] = await db
      .insert(operatorApiTokens)
      .values({ operatorId, name, prefix: fresh.prefix, hash: fresh.hash })
      .onConflictDoNothing({ target: operatorApiTokens.prefix })
      .returning();
    if (row) return { ...view(row), token: fresh.token };
  }
}

export async function listApiTokens(db: Db, operatorId: number): Promise<ApiTokenView[]> {
  const rows = await db.select().from(operatorApiTokens).where(eq(operatorApiTokens.operatorId, operatorId)).orderBy(desc(operatorApiTokens.id));
  return rows.map(view);
}

/** Revokes one of the operator's own tokens; undefined when it is not theirs or already revoked. */
export async function revokeApiToken(db: Db, operatorId: number, tokenId: number, now: Date): Promise<ApiTokenView | undefined> {
  const [row] = await db
    .update(operatorApiTokens)
    .set({ revokedAt: now })
    .where(and(eq(operatorApiTokens.id, tokenId), eq(operatorApiTokens.operatorId, operatorId), isNull(operatorApiTokens.revokedAt)))
    .returning();
  return row && view(row);
}

/** The operator and token a bearer token belongs to, or undefined for anything else (malformed, unknown, revoked). */
export async function authenticateApiToken(db: Db, token: string, now: Date): Promise<{ operator: Operator; tokenName: string } | undefined> {
  const prefix = apiTokenPrefix(token);
  if (!prefix) return undefined;
  const [row] = await db
    .select({ token: operatorApiTokens, operator: operators })
    .from(operatorApiTokens)
    .innerJoin(operators, eq(operators.id, operatorApiTokens.operatorId))
    .where(eq(operatorApiTokens.prefix, prefix));
  if (!row || row.token.revokedAt || !matchesHash(token, row.token.hash)) return undefined;
  await db
    .update(operatorApiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(operatorApiTokens.id, row.token.id),
        or(isNull(operatorApiTokens.lastUsedAt), lt(operatorApiTokens.lastUsedAt, new Date(now.getTime() - lastUsedResolutionMs))),
      ),
    );
  return { operator: row.operator, tokenName: row.token.name };
}
