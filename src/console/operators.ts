import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { operators, operatorRoles, type OperatorRole } from '../db/schema/index.js';
import { emailKey } from '../subscribers/email.js';

/** Operators: who may use the console, and with which role. */

export type Operator = typeof operators.$inferSelect;
export { operatorRoles, type OperatorRole };

const rank: Record<OperatorRole, number> = { viewer: 0, operator: 1, owner: 2 };

/** Whether a role includes another: an owner may do what an operator may, an operator what a viewer may. */
export function roleIncludes(role: OperatorRole, required: OperatorRole): boolean {
  return rank[role] >= rank[required];
}

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (operatorRoles as readonly string[]).includes(value);
}

/** An address as a viewer sees it: the first character of the local part, then ***, then the domain. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** Adds an operator, or changes the role of one already there; `created` tells which. */
export async function addOperator(db: Db, input: { email: string; role: OperatorRole }): Promise<{ operator: Operator; created: boolean }> {
  const key = emailKey(input.email);
  const existing = await findOperatorByKey(db, key);
  if (existing) {
    const [updated] = await db.update(operators).set({ role: input.role }).where(eq(operators.id, existing.id)).returning();
    return { operator: updated!, created: false };
  }
  const [inserted] = await db
    .insert(operators)
    .values({ email: input.email.trim(), emailKey: key, role: input.role })
    .onConflictDoUpdate({ target: operators.emailKey, set: { role: input.role } })
    .returning();
  return { operator: inserted!, created: true };
}

export async function listOperators(db: Db): Promise<Operator[]> {
  return db.select().from(operators).orderBy(asc(operators.emailKey));
}

export async function findOperator(db: Db, id: number): Promise<Operator | undefined> {
  const [row] = await db.select().from(operators).where(eq(operators.id, id));
  return row;
}

async function findOperatorByKey(db: Db, key: string): Promise<Operator | undefined> {
  const [row] = await db.select().from(operators).where(eq(operators.emailKey, key));
  return row;
}

/** The operator with this address, or undefined (also for something that is not an address). */
export async function findOperatorByEmail(db: Db, email: string): Promise<Operator | undefined> {
  let key: string;
  try {
    key = emailKey(email);
  } catch {
    return undefined;
  }
  return findOperatorByKey(db, key);
}

/**
 * Removes an operator. Their sessions, sign-in links and API tokens go with
 * them (foreign keys cascade), so a browser signed in as them is signed out
 * on its next request; audit rows stay.
 */
export async function removeOperator(db: Db, email: string): Promise<Operator | undefined> {
  const found = await findOperatorByEmail(db, email);
  if (!found) return undefined;
  await db.delete(operators).where(eq(operators.id, found.id));
  return found;
}
