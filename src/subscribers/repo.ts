import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { subscriberEmails, subscribers, suppressions, type SubscriberStatus } from '../db/schema/index.js';
import { filterKey, type FilterSet } from './filters.js';

/**
 * The SQL of a subscriber's own life: sign-up, confirmation, preferences,
 * pause, unsubscribe. Every status change names the statuses it may start
 * from in its WHERE clause, so two clicks racing cannot skip a step.
 */

export type Subscriber = typeof subscribers.$inferSelect;
export type { Executor, Tx } from '../db/client.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filterColumns(filters: FilterSet) {
  return { ...filters, filterKey: filterKey(filters) };
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

/** What one sign-up did: whether the address is suppressed, and the mail it recorded (none when suppressed or past the limit). */
export interface SignUpRecord {
  suppressed: boolean;
  mail: { id: number; kind: 'confirm' | 'manage' } | undefined;
}

/**
 * A sign-up in one statement, whatever the address: unless it is suppressed,
 * a new address is inserted as pending; a pending one takes the latest
 * spelling and choices; any other is left as it is. Then, unless the address
 * had `perAddress` mails since `since`, its mail (confirm for pending, manage
 * for the rest) is recorded, so a burst counts against the limit at once.
 * One statement does the same work for every kind of address, so the timing
 * tells them apart no more than the answer does, and it is prepared once per
 * connection: this is the busiest write of the public API. Concurrent
 * sign-ups of one new address meet in ON CONFLICT and cannot duplicate it.
 */
const signUpStatement = `
with suppressed as (
  select 1 from suppressions where email_key = $2
), subscriber as (
  insert into subscribers as s (email, email_key, consent_source, councils, committees, topics, keywords, filter_key)
  select $1, $2, $3, $4::text[], $5::text[], $6::text[], $7::text[], $8
  where not exists (select 1 from suppressed)
  on conflict (email_key) where email_key is not null do update set
    email = case when s.status = 'pending' then excluded.email else s.email end,
    councils = case when s.status = 'pending' then excluded.councils else s.councils end,
    committees = case when s.status = 'pending' then excluded.committees else s.committees end,
    topics = case when s.status = 'pending' then excluded.topics else s.topics end,
    keywords = case when s.status = 'pending' then excluded.keywords else s.keywords end,
    filter_key = case when s.status = 'pending' then excluded.filter_key else s.filter_key end,
    updated_at = case when s.status = 'pending' then $9::timestamptz else s.updated_at end
  returning s.id, s.status
), mail as (
  insert into subscriber_emails (subscriber_id, kind, sent_at)
  select subscriber.id, case when subscriber.status = 'pending' then 'confirm' else 'manage' end, $9::timestamptz
  from subscriber
  where (select count(*) from subscriber_emails e where e.subscriber_id = subscriber.id and e.sent_at >= $10::timestamptz) < $11
  returning id, kind
)
select exists (select 1 from suppressed) as suppressed, mail.id as mail_id, mail.kind as mail_kind
from (values (1)) as one left join mail on true`;

export async function signUpSubscriber(
  db: Db,
  values: { email: string; emailKey: string; filters: FilterSet; consentSource: 'form' | 'api' },
  limit: { perAddress: number; since: Date },
  now: Date,
): Promise<SignUpRecord> {
  const { councils, committees, topics, keywords, filterKey: key } = filterColumns(values.filters);
  const { rows } = await db.$client.query<{ suppressed: boolean; mail_id: string | null; mail_kind: 'confirm' | 'manage' | null }>({
    name: 'sign-up',
    text: signUpStatement,
    values: [values.email, values.emailKey, values.consentSource, councils, committees, topics, keywords, key, now.toISOString(), limit.since.toISOString(), limit.perAddress],
  });
  const [row] = rows;
  return {
    suppressed: row!.suppressed,
    mail: row!.mail_id && row!.mail_kind ? { id: Number(row!.mail_id), kind: row!.mail_kind } : undefined,
  };
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

/** A recorded confirmation or manage mail with its subscriber (gone once erased), for the job that sends it. */
export async function findSubscriberMail(db: Executor, id: number) {
  const [row] = await db
    .select({
      mail: subscriberEmails,
      subscriber: subscribers,
      suppressed: sql<boolean>`exists (select 1 from ${suppressions} where ${suppressions.emailKey} = ${subscribers.emailKey})`,
    })
    .from(subscriberEmails)
    .leftJoin(subscribers, eq(subscribers.id, subscriberEmails.subscriberId))
    .where(eq(subscriberEmails.id, id));
  return row;
}

/** The SMTP server accepted the mail: what a repeated job checks before sending again. */
export async function noteSubscriberEmailSent(db: Executor, id: number, messageId: string) {
  await db.update(subscriberEmails).set({ messageId }).where(eq(subscriberEmails.id, id));
}
