import { and, count, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { subscriberEmails, subscribers, suppressions, type SubscriberStatus } from '../db/schema/index.js';
import { filterKey, type FilterSet } from './filters.js';

/**
 * The SQL of a subscriber's own life: sign-up, confirmation, preferences,
 * pause, unsubscribe. Every status change names the statuses it may start
 * from in its WHERE clause, so two clicks racing cannot skip a step.
 */

export type Subscriber = typeof subscribers.$inferSelect;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Executor = Db | Tx;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filterColumns(filters: FilterSet) {
  return { ...filters, filterKey: filterKey(filters) };
}

export async function findSubscriberByEmailKey(db: Executor, emailKey: string): Promise<Subscriber | undefined> {
  const [row] = await db.select().from(subscribers).where(eq(subscribers.emailKey, emailKey));
  return row;
}

export async function findSubscriberByPublicId(db: Executor, publicId: string): Promise<Subscriber | undefined> {
  if (!uuidPattern.test(publicId)) return undefined;
  const [row] = await db.select().from(subscribers).where(eq(subscribers.publicId, publicId));
  return row;
}

export async function findSubscriberById(db: Executor, id: number): Promise<Subscriber | undefined> {
  const [row] = await db.select().from(subscribers).where(eq(subscribers.id, id));
  return row;
}

/** A new pending subscriber, or undefined when the address is already known (the caller then reads it). */
export async function insertPendingSubscriber(
  db: Executor,
  values: { email: string; emailKey: string; filters: FilterSet; consentSource: 'form' | 'api' },
): Promise<Subscriber | undefined> {
  const [row] = await db
    .insert(subscribers)
    .values({ email: values.email, emailKey: values.emailKey, consentSource: values.consentSource, ...filterColumns(values.filters) })
    .onConflictDoNothing({ target: subscribers.emailKey, where: sql`email_key is not null` })
    .returning();
  return row;
}

/** A second sign-up before confirming: the latest request's choices are the ones confirmed. */
export async function refreshPendingSubscriber(db: Executor, id: number, values: { email: string; filters: FilterSet }, now: Date) {
  await db
    .update(subscribers)
    .set({ email: values.email, ...filterColumns(values.filters), updatedAt: now })
    .where(and(eq(subscribers.id, id), eq(subscribers.status, 'pending')));
}

export async function confirmSubscriber(db: Executor, id: number, now: Date): Promise<Subscriber | undefined> {
  const [row] = await db
    .update(subscribers)
    .set({ status: 'active', confirmedAt: now, updatedAt: now })
    .where(and(eq(subscribers.id, id), eq(subscribers.status, 'pending')))
    .returning();
  return row;
}

export async function saveSubscriberFilters(db: Executor, id: number, filters: FilterSet, now: Date): Promise<Subscriber | undefined> {
  const [row] = await db
    .update(subscribers)
    .set({ ...filterColumns(filters), updatedAt: now })
    .where(and(eq(subscribers.id, id), sql`${subscribers.status} <> 'erased'`))
    .returning();
  return row;
}

/** Moves a subscriber from one of `from` to `to`; undefined when it was in none of them. */
export async function changeSubscriberStatus(
  db: Executor,
  id: number,
  from: SubscriberStatus[],
  to: 'active' | 'paused',
  now: Date,
): Promise<Subscriber | undefined> {
  const [row] = await db
    .update(subscribers)
    .set({ status: to, updatedAt: now })
    .where(and(eq(subscribers.id, id), inArray(subscribers.status, from)))
    .returning();
  return row;
}

/** Unsubscribes and bumps the token version: every link mailed before stops working. */
export async function unsubscribeSubscriber(db: Executor, id: number, now: Date): Promise<Subscriber | undefined> {
  const [row] = await db
    .update(subscribers)
    .set({ status: 'unsubscribed', unsubscribedAt: now, updatedAt: now, tokenVersion: sql`${subscribers.tokenVersion} + 1` })
    .where(and(eq(subscribers.id, id), inArray(subscribers.status, ['pending', 'active', 'paused'])))
    .returning();
  return row;
}

/** Back to active. They confirmed before (or are confirming now through a mailed link). */
export async function resubscribeSubscriber(db: Executor, id: number, now: Date): Promise<Subscriber | undefined> {
  const [row] = await db
    .update(subscribers)
    .set({ status: 'active', unsubscribedAt: null, confirmedAt: sql`coalesce(${subscribers.confirmedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
    .where(and(eq(subscribers.id, id), eq(subscribers.status, 'unsubscribed')))
    .returning();
  return row;
}

export async function isSuppressed(db: Executor, emailKey: string): Promise<boolean> {
  const [row] = await db.select({ emailKey: suppressions.emailKey }).from(suppressions).where(eq(suppressions.emailKey, emailKey));
  return Boolean(row);
}

/** How many confirmation or manage mails an address got since `since` (the per-address limit). */
export async function countSubscriberEmailsSince(db: Executor, subscriberId: number, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(subscriberEmails)
    .where(and(eq(subscriberEmails.subscriberId, subscriberId), gte(subscriberEmails.sentAt, since)));
  return row?.n ?? 0;
}

/** Recorded before sending, so a burst of requests counts against the limit at once. */
export async function recordSubscriberEmail(db: Executor, subscriberId: number, kind: 'confirm' | 'manage', now: Date): Promise<number> {
  const [row] = await db.insert(subscriberEmails).values({ subscriberId, kind, sentAt: now }).returning({ id: subscriberEmails.id });
  return row!.id;
}

export async function noteSubscriberEmailSent(db: Executor, id: number, messageId: string) {
  await db.update(subscriberEmails).set({ messageId }).where(eq(subscriberEmails.id, id));
}

