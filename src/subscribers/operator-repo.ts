import { and, asc, count, desc, eq, getTableColumns, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import { deliveries, follows, subscriberEmails, subscribers, suppressions, type SubscriberStatus } from '../db/schema/index.js';
import { filterKey, type FilterSet } from './filters.js';
import type { Executor, Subscriber } from './repo.js';

/** The SQL behind the operators' routes: search, export, erasure, suppressions, import. */

export type Suppression = typeof suppressions.$inferSelect;

function likePattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Newest first, a page at a time (keyset on id: `before` is the last id of the previous page). */
export async function searchSubscribers(
  db: Executor,
  query: { q?: string; status?: SubscriberStatus; limit: number; before?: number },
): Promise<{ rows: Subscriber[]; total: number }> {
  const where: SQL[] = [];
  if (query.q) {
    const pattern = likePattern(query.q);
    where.push(or(ilike(subscribers.email, pattern), ilike(subscribers.emailKey, pattern))!);
  }
  if (query.status) where.push(eq(subscribers.status, query.status));
  const filter = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(subscribers)
      .where(and(filter, query.before ? lt(subscribers.id, query.before) : undefined))
      .orderBy(desc(subscribers.id))
      .limit(query.limit),
    db.select({ n: count() }).from(subscribers).where(filter),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** Everything stored about one subscriber: the row, the mails outside the weekly run, every delivery. */
export async function subscriberRecord(db: Executor, id: number) {
  const [subscriber] = await db.select().from(subscribers).where(eq(subscribers.id, id));
  if (!subscriber) return undefined;
  const [emails, delivered, suppressed] = await Promise.all([
    db.select().from(subscriberEmails).where(eq(subscriberEmails.subscriberId, id)).orderBy(asc(subscriberEmails.id)),
    db.select().from(deliveries).where(eq(deliveries.subscriberId, id)).orderBy(asc(deliveries.id)),
    subscriber.emailKey ? db.select().from(suppressions).where(eq(suppressions.emailKey, subscriber.emailKey)) : Promise.resolve([]),
  ]);
  return { subscriber, emails, deliveries: delivered, suppression: suppressed[0] ?? null };
}

/**
 * What erasing sets: the personal data goes and the row stays, so delivery
 * counts and the mail log still add up. The version bump kills every link
 * ever mailed.
 */
function erasedColumns(now: Date) {
  const none: FilterSet = { councils: [], committees: [], topics: [], keywords: [] };
  return {
    email: null,
    emailKey: null,
    ...none,
    filterKey: filterKey(none),
    consentNote: null,
    status: 'erased' as const,
    tokenVersion: sql`${subscribers.tokenVersion} + 1`,
    erasedAt: now,
    updatedAt: now,
  };
}

/**
 * Erases a subscriber, and what they follow with them: the row stays (see
 * erasedColumns), so the follows' foreign key, which cascades when a row is
 * deleted, is not enough. A pending sign-up can follow nothing (its links
 * open no follow page), so erasing stale ones has none to remove.
 */
export async function eraseSubscriber(db: Executor, id: number, now: Date): Promise<Subscriber | undefined> {
  const [row] = await db
    .update(subscribers)
    .set(erasedColumns(now))
    .where(and(eq(subscribers.id, id), sql`${subscribers.status} <> 'erased'`))
    .returning();
  await db.delete(follows).where(eq(follows.subscriberId, id));
  return row;
}

/**
 * Erases every sign-up still pending that last changed (its sign-up, or a
 * repeated one that mailed a fresh link) before `cutoff`; answers how many.
 */
export async function erasePendingBefore(db: Executor, cutoff: Date, now: Date): Promise<number> {
  const rows = await db
    .update(subscribers)
    .set(erasedColumns(now))
    .where(and(eq(subscribers.status, 'pending'), lt(subscribers.updatedAt, cutoff)))
    .returning({ id: subscribers.id });
  return rows.length;
}

export async function countDeliveries(db: Executor, subscriberId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(deliveries).where(eq(deliveries.subscriberId, subscriberId));
  return row?.n ?? 0;
}

/** Adds (or re-describes) a suppression; `created` is false when the address was already on the list. */
export async function suppressAddress(
  db: Executor,
  values: { emailKey: string; reason: Suppression['reason']; note?: string | null },
): Promise<{ suppression: Suppression; created: boolean }> {
  const [row] = await db
    .insert(suppressions)
    .values({ emailKey: values.emailKey, reason: values.reason, note: values.note ?? null })
    .onConflictDoUpdate({ target: suppressions.emailKey, set: { reason: values.reason, note: values.note ?? null } })
    .returning({ ...getTableColumns(suppressions), created: sql<boolean>`xmax = 0` });
  const { created, ...suppression } = row!;
  return { suppression, created };
}

export async function listSuppressions(db: Executor, query: { q?: string; limit: number; after?: string }) {
  const where = and(
    query.q ? ilike(suppressions.emailKey, likePattern(query.q)) : undefined,
    query.after ? sql`${suppressions.emailKey} > ${query.after}` : undefined,
  );
  return db.select().from(suppressions).where(where).orderBy(asc(suppressions.emailKey)).limit(query.limit);
}

export async function liftSuppression(db: Executor, emailKey: string): Promise<boolean> {
  const removed = await db.delete(suppressions).where(eq(suppressions.emailKey, emailKey)).returning({ emailKey: suppressions.emailKey });
  return removed.length > 0;
}

/** For an import batch: the statuses of the addresses already known, and which are suppressed (one round trip). */
export async function importBatchContext(db: Executor, keys: string[]) {
  const found = await db.execute<{ key: string; status: SubscriberStatus | null; suppressed: boolean }>(sql`
    select k.key, s.status, exists (select 1 from ${suppressions} p where p.email_key = k.key) as suppressed
    from json_array_elements_text(${JSON.stringify(keys)}::json) as k(key)
    left join ${subscribers} s on s.email_key = k.key`);
  return {
    statuses: new Map(found.rows.filter((row) => row.status).map((row) => [row.key, row.status!])),
    suppressed: new Set(found.rows.filter((row) => row.suppressed).map((row) => row.key)),
  };
}

export interface ImportedSubscriber {
  email: string;
  emailKey: string;
  filters: FilterSet;
  note: string | null;
}

/**
 * One batch of already-consented subscribers. New addresses arrive active;
 * known pending, active or paused ones get the file's filters (pending ones
 * become active, paused ones stay paused: that was their choice). Rows whose
 * address unsubscribed are never touched, even if they unsubscribe while the
 * import runs. Rows that would change nothing are not written, and come back
 * in neither list.
 */
export async function upsertImportedSubscribers(db: Executor, rows: ImportedSubscriber[], now: Date): Promise<{ created: number; updated: number }> {
  if (!rows.length) return { created: 0, updated: 0 };
  // The batch travels as one JSON parameter: a thousand rows of eleven bound values each cost far more to build and bind.
  const batch = JSON.stringify(rows.map((row) => ({ email: row.email, email_key: row.emailKey, ...row.filters, filter_key: filterKey(row.filters), note: row.note })));
  const written = await db.execute<{ created: boolean }>(sql`
    insert into ${subscribers} as s (email, email_key, status, councils, committees, topics, keywords, filter_key, consent_source, consent_note, confirmed_at)
    select r.email, r.email_key, 'active', r.councils, r.committees, r.topics, r.keywords, r.filter_key, 'import', r.note, ${now.toISOString()}::timestamptz
    from json_to_recordset(${batch}::json)
      as r(email text, email_key text, councils text[], committees text[], topics text[], keywords text[], filter_key text, note text)
    on conflict (email_key) where email_key is not null do update set
      email = excluded.email,
      councils = excluded.councils,
      committees = excluded.committees,
      topics = excluded.topics,
      keywords = excluded.keywords,
      filter_key = excluded.filter_key,
      status = case when s.status = 'pending' then 'active' else s.status end,
      consent_source = case when s.status = 'pending' then 'import' else s.consent_source end,
      consent_note = case when s.status = 'pending' then excluded.consent_note else s.consent_note end,
      confirmed_at = coalesce(s.confirmed_at, excluded.confirmed_at),
      updated_at = ${now.toISOString()}::timestamptz
    where s.status in ('pending', 'active', 'paused')
      and (s.status = 'pending' or s.filter_key <> excluded.filter_key or s.email <> excluded.email)
    returning (xmax = 0) as created`);
  const created = written.rows.filter((row) => row.created).length;
  return { created, updated: written.rows.length - created };
}
