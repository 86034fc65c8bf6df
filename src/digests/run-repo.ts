import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db, Executor } from '../db/client.js';
import { digestRuns, subscribers, suppressions } from '../db/schema/index.js';
import { followsColumn, type FollowRow } from '../follows/find.js';
import type { FilterSet } from '../subscribers/filters.js';
import type { Week } from './week.js';

/** The SQL of a run's life: the run row and the subscribers it walks. */

export type DigestRun = typeof digestRuns.$inferSelect;
export type RunSample = DigestRun['samples'][number];
export type RunTrigger = 'schedule' | 'api' | 'cli' | 'demo';

/** How many samples a dry run keeps for the operator. */
export const sampleLimit = 5;

/**
 * A real run is unique per week: the insert yields to the partial unique
 * index and the caller joins the run that is already there. Dry runs are
 * rehearsals and always new.
 */
export async function createOrJoinRun(
  db: Db,
  request: { week: Week; dryRun: boolean; trigger: RunTrigger },
): Promise<{ run: DigestRun; joined: boolean }> {
  const values = { week: request.week, dryRun: request.dryRun, trigger: request.trigger };
  if (request.dryRun) {
    const [run] = await db.insert(digestRuns).values(values).returning();
    return { run: run!, joined: false };
  }
  const [created] = await db
    .insert(digestRuns)
    .values(values)
    .onConflictDoNothing({ target: digestRuns.week, where: sql`not dry_run` })
    .returning();
  if (created) return { run: created, joined: false };
  const [existing] = await db
    .select()
    .from(digestRuns)
    .where(and(eq(digestRuns.week, request.week), eq(digestRuns.dryRun, false)));
  return { run: existing!, joined: true };
}

export async function findRun(db: Db, id: number): Promise<DigestRun | undefined> {
  const [run] = await db.select().from(digestRuns).where(eq(digestRuns.id, id));
  return run;
}

/** Newest first, a page at a time (`before`: the last id of the previous page). */
export async function listRuns(db: Db, page: { limit: number; before?: number }): Promise<DigestRun[]> {
  return db
    .select()
    .from(digestRuns)
    .where(page.before ? lt(digestRuns.id, page.before) : undefined)
    .orderBy(desc(digestRuns.id))
    .limit(page.limit);
}

/** failed → queued, so a new trigger resumes a run whose fan-out gave up; the cursor is kept. */
export async function reopenFailedRun(db: Db, id: number): Promise<DigestRun | undefined> {
  const [run] = await db
    .update(digestRuns)
    .set({ status: 'queued', error: null, finishedAt: null })
    .where(and(eq(digestRuns.id, id), eq(digestRuns.status, 'failed')))
    .returning();
  return run;
}

/** queued → fanning_out; undefined once the fan-out has finished (a repeated job does nothing). */
export async function startFanOut(db: Db, id: number): Promise<DigestRun | undefined> {
  const [run] = await db
    .update(digestRuns)
    .set({ status: 'fanning_out', startedAt: sql`coalesce(${digestRuns.startedAt}, now())` })
    .where(and(eq(digestRuns.id, id), inArray(digestRuns.status, ['queued', 'fanning_out'])))
    .returning();
  return run;
}

/**
 * Records one page of the fan-out after its jobs are queued: `cursor` for
 * subscribers, `feedCursor` for feed recipients. Guarded by the cursor it
 * started from, so a page is counted once even if two fan-outs of one run
 * ever raced, and by the status, so a paused run stops fanning out.
 */
export async function advanceCursor(
  db: Db,
  id: number,
  page: { cursor: 'cursor' | 'feedCursor'; from: number; to: number; queued: number },
): Promise<boolean> {
  const result = await db
    .update(digestRuns)
    .set({ [page.cursor]: page.to, total: sql`${digestRuns.total} + ${page.queued}` })
    // A paused or cancelled run stops fanning out: the page's jobs park (or end), and a resumed fan-out starts from here.
    .where(and(eq(digestRuns.id, id), eq(digestRuns[page.cursor], page.from), eq(digestRuns.status, 'fanning_out')));
  return (result.rowCount ?? 0) > 0;
}

export async function finishFanOut(db: Db, id: number): Promise<void> {
  await db
    .update(digestRuns)
    .set({ status: 'sending', fannedOutAt: sql`now()` })
    .where(and(eq(digestRuns.id, id), eq(digestRuns.status, 'fanning_out')));
}

/** sending → completed once every queued subscriber is settled. */
export async function completeIfSettled(db: Db, id: number): Promise<boolean> {
  const result = await db
    .update(digestRuns)
    .set({ status: 'completed', finishedAt: sql`now()` })
    .where(and(eq(digestRuns.id, id), settledWith({ sent: sql`0`, skipped: sql`0`, failed: sql`0` })));
  return (result.rowCount ?? 0) > 0;
}

type AddedCounts = { sent: SQL; skipped: SQL; failed: SQL };

/** The one rule for a run's completion: it is sending, and its counts with `added` reach its total (unqualified columns). */
function settledWith(added: AddedCounts): SQL {
  return sql`status = 'sending' and sent + ${added.sent} + skipped + ${added.skipped} + failed + ${added.failed} >= total`;
}

/**
 * The SET list of an update of one run (unqualified, so the statement may
 * join other rows, whose columns must not be called sent, skipped or
 * failed): these counts added, and sending → completed when the counts then
 * reach the total. A batch adds its counts and completes its run in one
 * statement; two batches that end together are ordered by the row lock, and
 * the second sees the first's counts.
 */
export function countsAdded(added: AddedCounts): SQL {
  const completes = settledWith(added);
  return sql`sent = sent + ${added.sent}, skipped = skipped + ${added.skipped}, failed = failed + ${added.failed},
    status = case when ${completes} then 'completed' else status end,
    finished_at = case when ${completes} then now() else finished_at end`;
}

export async function failRun(db: Db, id: number, error: string): Promise<void> {
  await db.update(digestRuns).set({ status: 'failed', error, finishedAt: sql`now()` }).where(eq(digestRuns.id, id));
}

/**
 * Counts added straight to a run: dry runs (which write no deliveries) and
 * subscribers who vanished between fan-out and send; the run completes when
 * they settle it. Samples are kept up to the limit, first come first kept.
 */
export async function addRunCounts(
  db: Db,
  id: number,
  counts: { sent: number; skipped: number; failed: number },
  samples: RunSample[] = [],
): Promise<void> {
  await db.execute(sql`
    update ${digestRuns} set ${countsAdded({ sent: sql`${counts.sent}::int`, skipped: sql`${counts.skipped}::int`, failed: sql`${counts.failed}::int` })},
      samples = (select coalesce(jsonb_agg(sample order by position), '[]'::jsonb)
        from jsonb_array_elements(samples || ${JSON.stringify(samples)}::jsonb) with ordinality as t(sample, position)
        where position <= ${sampleLimit})
    where id = ${id}`);
}

/**
 * The next page of subscribers a run sends to: active (so confirmed) and not
 * suppressed, in id order after the cursor. The plan walks the partial index
 * subscribers_active_idx and stops at the limit; suppression is one primary
 * key probe per row.
 */
export async function subscribersAfter(db: Db, cursor: number, limit: number): Promise<number[]> {
  const rows = await db
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(
      and(
        eq(subscribers.status, 'active'),
        sql`${subscribers.id} > ${cursor}`,
        sql`${subscribers.emailKey} is not null`,
        sql`not exists (select 1 from ${suppressions} where ${suppressions.emailKey} = ${subscribers.emailKey})`,
      ),
    )
    .orderBy(subscribers.id)
    .limit(limit);
  return rows.map((row) => row.id);
}

export interface RecipientRow {
  id: number;
  publicId: string;
  email: string | null;
  emailKey: string | null;
  status: (typeof subscribers.$inferSelect)['status'];
  tokenVersion: number;
  filters: FilterSet;
  filterKey: string;
  suppressed: boolean;
}

const recipientColumns = {
  id: subscribers.id,
  publicId: subscribers.publicId,
  email: subscribers.email,
  emailKey: subscribers.emailKey,
  status: subscribers.status,
  tokenVersion: subscribers.tokenVersion,
  councils: subscribers.councils,
  committees: subscribers.committees,
  topics: subscribers.topics,
  keywords: subscribers.keywords,
  filterKey: subscribers.filterKey,
  // The outer column by its table's name: in a one-table select list drizzle writes ${subscribers.emailKey} bare, which inside
  // the subquery would mean suppressions' own column (true for everyone once any address is suppressed).
  suppressed: sql<boolean>`exists (select 1 from ${suppressions} s where s.email_key = ${subscribers}.email_key)`,
};

function toRecipient({ councils, committees, topics, keywords, ...row }: Record<string, unknown>): RecipientRow {
  return { ...(row as Omit<RecipientRow, 'filters'>), filters: { councils, committees, topics, keywords } as FilterSet };
}

/**
 * A send job's subscribers as they are now (status, address and filters may
 * have changed since the fan-out), each with what they follow: one statement
 * for the batch.
 */
export async function recipientsByIds(db: Db, ids: number[]): Promise<(RecipientRow & { follows: FollowRow[] })[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ ...recipientColumns, follows: followsColumn(sql`${subscribers}.id`) })
    .from(subscribers)
    // One array parameter: drizzle's inArray spreads a batch into one parameter each, and building that query cost more than running it.
    .where(sql`${subscribers.id} = any(${pgArray(ids, 'bigint')})`);
  return rows.map(({ follows, ...row }) => ({ ...toRecipient(row), follows }));
}

export async function recipientByEmailKey(db: Executor, emailKey: string): Promise<RecipientRow | undefined> {
  const [row] = await db.select(recipientColumns).from(subscribers).where(eq(subscribers.emailKey, emailKey));
  return row && toRecipient(row);
}

export async function recipientByPublicId(db: Db, publicId: string): Promise<RecipientRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(publicId)) return undefined;
  const [row] = await db.select(recipientColumns).from(subscribers).where(eq(subscribers.publicId, publicId));
  return row && toRecipient(row);
}

/** A run's status alone: what a send job asks before each group, so a pause takes effect within one group. */
export async function runStatusOf(db: Db, id: number): Promise<DigestRun['status'] | undefined> {
  const [row] = await db.select({ status: digestRuns.status }).from(digestRuns).where(eq(digestRuns.id, id));
  return row?.status;
}

export interface PauseLimits {
  /** RUN_COMPLAINT_PAUSE_RATE: complaints per digest sent. */
  complaintRate: number;
  /** RUN_BOUNCE_PAUSE_RATE: hard bounces per digest sent. */
  bounceRate: number;
  /** RUN_PAUSE_MIN_SENDS: no rate means anything before this many sends. */
  minSends: number;
}

/**
 * Pauses a run that is sending (or fanning out) once its complaint or hard
 * bounce rate is past its limit after enough sends; the run as it now is,
 * or undefined when nothing changed. One statement, so two batches that
 * finish together pause it once.
 */
export async function pauseIfPastLimits(db: Executor, id: number, limits: PauseLimits): Promise<DigestRun | undefined> {
  // Past the rate, and with a report since an operator last resumed the run: a resumed run is not paused again for what they saw.
  const complaintsPast = sql`(${digestRuns.complaints} > ${digestRuns.sent} * ${limits.complaintRate}::float8 and ${digestRuns.complaints} > ${digestRuns.complaintsAtResume})`;
  const bouncesPast = sql`(${digestRuns.hardBounces} > ${digestRuns.sent} * ${limits.bounceRate}::float8 and ${digestRuns.hardBounces} > ${digestRuns.hardBouncesAtResume})`;
  const [run] = await db
    .update(digestRuns)
    .set({
      status: 'paused',
      pausedReason: sql`case when ${complaintsPast}
        then format('complaint rate %s%% (%s of %s sent) is past RUN_COMPLAINT_PAUSE_RATE %s%%', round(100.0 * ${digestRuns.complaints} / ${digestRuns.sent}, 2), ${digestRuns.complaints}, ${digestRuns.sent}, ${limits.complaintRate * 100}::float8)
        else format('hard-bounce rate %s%% (%s of %s sent) is past RUN_BOUNCE_PAUSE_RATE %s%%', round(100.0 * ${digestRuns.hardBounces} / ${digestRuns.sent}, 2), ${digestRuns.hardBounces}, ${digestRuns.sent}, ${limits.bounceRate * 100}::float8) end`,
    })
    .where(
      and(
        eq(digestRuns.id, id),
        eq(digestRuns.dryRun, false),
        inArray(digestRuns.status, ['fanning_out', 'sending']),
        sql`${digestRuns.sent} >= ${limits.minSends}`,
        sql`(${complaintsPast} or ${bouncesPast})`,
      ),
    )
    .returning();
  return run;
}

/**
 * paused → sending (or back to fanning_out when the fan-out had not
 * finished), remembering the counts the operator resumed it with;
 * undefined when the run was not paused.
 */
export async function unpauseRun(db: Db, id: number): Promise<DigestRun | undefined> {
  const [run] = await db
    .update(digestRuns)
    .set({
      status: sql`case when ${digestRuns.fannedOutAt} is null then 'fanning_out' else 'sending' end`,
      pausedReason: null,
      complaintsAtResume: sql`${digestRuns.complaints}`,
      hardBouncesAtResume: sql`${digestRuns.hardBounces}`,
    })
    .where(and(eq(digestRuns.id, id), eq(digestRuns.status, 'paused')))
    .returning();
  return run;
}

/** Any unfinished real run → cancelled; undefined when it had already finished (or is a dry run). */
export async function cancelRunRow(db: Db, id: number): Promise<DigestRun | undefined> {
  const [run] = await db
    .update(digestRuns)
    .set({ status: 'cancelled', finishedAt: sql`now()` })
    .where(and(eq(digestRuns.id, id), eq(digestRuns.dryRun, false), inArray(digestRuns.status, ['queued', 'fanning_out', 'sending', 'paused'])))
    .returning();
  return run;
}
