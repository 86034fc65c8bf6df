import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';
import type { Operator, OperatorRole } from './operators.js';

/**
 * Who is acting: a signed-in operator, one of their API tokens, or the
 * shared ADMIN_TOKEN (an owner named "admin-token").
 */
export interface Actor {
  /** What the audit log calls them. */
  name: string;
  role: OperatorRole;
  operatorId: number | null;
  /** Their own address, when there is a person behind it (test-sends go there). */
  email: string | null;
  via: 'session' | 'api-token' | 'admin-token' | 'cli';
}

export const adminTokenActor: Actor = { name: 'admin-token', role: 'owner', operatorId: null, email: null, via: 'admin-token' };

/** Whoever runs `council-digest operator ...` at the server's shell: they hold the database already. */
export const cliActor: Actor = { name: 'cli', role: 'owner', operatorId: null, email: null, via: 'cli' };

/** An operator signed in, or calling with one of their tokens (named "<token name> (<address>)" in the log). */
export function operatorActor(operator: Operator, tokenName?: string): Actor {
  return {
    name: tokenName === undefined ? operator.email : `${tokenName} (${operator.email})`,
    role: operator.role,
    operatorId: operator.id,
    email: operator.email,
    via: tokenName === undefined ? 'session' : 'api-token',
  };
}

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | number | null;
  detail?: Record<string, unknown>;
}

export type AuditRow = typeof auditLog.$inferSelect;

/** Appends one row. The log is append-only: there is no function here that changes or removes one. */
export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry, context: { ip: string | null; at?: Date }): Promise<void> {
  await db.insert(auditLog).values({
    actor: actor.name,
    operatorId: actor.operatorId,
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId === undefined || entry.objectId === null ? null : String(entry.objectId),
    detail: entry.detail ?? {},
    ip: context.ip,
    ...(context.at ? { at: context.at } : {}),
  });
}

/** The log newest first, a page at a time (`before` is the last id of the previous page). */
export async function listAudit(db: Db, page: { limit: number; before?: number; action?: string; actor?: string }): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (page.before) where.push(lt(auditLog.id, page.before));
  if (page.action) where.push(eq(auditLog.action, page.action));
  if (page.actor) where.push(eq(auditLog.actor, page.actor));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(page.limit);
}
