import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { operators, operatorSessions } from '../db/schema/index.js';
import type { Operator } from './operators.js';
import { sha256 } from '../tokens/operator-keys.js';

/**
 * Console sessions, held in Postgres so they can be ended from outside the
 * browser: at sign-out, after `idleMs` without a request, or when the
 * operator is removed (the row cascades). Only the sha256 of a session id
 * is stored.
 */

export const sessionIdleHours = 12;

/**
 * The idle limit is pushed forward at most this often: a busy operator's
 * requests do not each write (and queue behind one another on) their
 * session's row.
 */
const touchResolutionMs = 60_000;

export interface SessionRecord {
  operatorId: number;
  [key: string]: unknown;
}

/**
 * The stored session and its operator, or undefined once it has ended. Using
 * a session is what keeps it alive: its idle limit moves to `idleMs` from now
 * (written when it has moved by a minute or more).
 */
export async function loadSession(
  db: Db,
  sessionId: string,
  now: Date,
  idleMs = sessionIdleHours * 3_600_000,
): Promise<{ data: SessionRecord; operator: Operator } | undefined> {
  const idHash = sha256(sessionId);
  const [row] = await db
    .select({ data: operatorSessions.data, expiresAt: operatorSessions.expiresAt, operator: operators })
    .from(operatorSessions)
    .innerJoin(operators, eq(operators.id, operatorSessions.operatorId))
    .where(and(eq(operatorSessions.idHash, idHash), gt(operatorSessions.expiresAt, now)));
  if (!row) return undefined;
  const expiresAt = new Date(now.getTime() + idleMs);
  if (expiresAt.getTime() - row.expiresAt.getTime() >= touchResolutionMs) {
    await db
      .update(operatorSessions)
      .set({ expiresAt })
      .where(and(eq(operatorSessions.idHash, idHash), lt(operatorSessions.expiresAt, new Date(expiresAt.getTime() - touchResolutionMs))));
  }
  return { data: row.data as SessionRecord, operator: row.operator };
}

/** Stores a signed-in session (at sign-in, or when its data changes) with a fresh idle limit. */
export async function saveSession(db: Db, sessionId: string, data: SessionRecord, now: Date, idleMs = sessionIdleHours * 3_600_000): Promise<void> {
  const expiresAt = new Date(now.getTime() + idleMs);
  await db
    .insert(operatorSessions)
    .values({ idHash: sha256(sessionId), operatorId: data.operatorId, data, createdAt: now, expiresAt })
    .onConflictDoUpdate({ target: operatorSessions.idHash, set: { data, expiresAt } });
}

export async function destroySession(db: Db, sessionId: string): Promise<void> {
  await db.delete(operatorSessions).where(eq(operatorSessions.idHash, sha256(sessionId)));
}

/** Ends every session of one operator (a role change, or "sign out everywhere"). */
export async function endOperatorSessions(db: Db, operatorId: number): Promise<number> {
  const ended = await db.delete(operatorSessions).where(eq(operatorSessions.operatorId, operatorId)).returning({ idHash: operatorSessions.idHash });
  return ended.length;
}

/** Drops sessions past their idle limit: they no longer load, this only frees the rows. */
export async function clearIdleSessions(db: Db, now: Date): Promise<number> {
  const cleared = await db.delete(operatorSessions).where(lt(operatorSessions.expiresAt, now)).returning({ idHash: operatorSessions.idHash });
  return cleared.length;
}
