import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { operators, operatorSignInTokens } from '../db/schema/index.js';
import { findOperatorByEmail, type Operator } from './operators.js';
import { generateSignInToken, sha256, signInTokenPattern } from '../tokens/operator-keys.js';

/** A sign-in link works once, for this long. */
export const signInLinkMinutes = 15;

/**
 * A sign-in link for the operator with this address, or null when there is
 * none: the caller answers the same either way and mails only when there is
 * a link. Expired links of anyone are cleared on the way.
 */
export async function issueSignInLink(db: Db, email: string, now: Date): Promise<{ operator: Operator; token: string } | null> {
  const operator = await findOperatorByEmail(db, email);
  if (!operator) return null;
  const { token, hash } = generateSignInToken();
  await db.delete(operatorSignInTokens).where(lt(operatorSignInTokens.expiresAt, now));
  await db.insert(operatorSignInTokens).values({
    operatorId: operator.id,
    hash,
    createdAt: now,
    expiresAt: new Date(now.getTime() + signInLinkMinutes * 60_000),
  });
  return { operator, token };
}

/**
 * Spends a sign-in link: the operator it was issued to, or null when it is
 * unknown, used, expired, or its operator has been removed. One UPDATE
 * claims it, so two clicks at once cannot both sign in.
 */
export async function redeemSignInLink(db: Db, token: string, now: Date): Promise<Operator | null> {
  if (!signInTokenPattern.test(token)) return null;
  const [spent] = await db
    .update(operatorSignInTokens)
    .set({ usedAt: now })
    .where(and(eq(operatorSignInTokens.hash, sha256(token)), isNull(operatorSignInTokens.usedAt), gt(operatorSignInTokens.expiresAt, now)))
    .returning({ operatorId: operatorSignInTokens.operatorId });
  if (!spent) return null;
  const [operator] = await db.select().from(operators).where(eq(operators.id, spent.operatorId));
  return operator ?? null;
}
