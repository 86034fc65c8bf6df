import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { councils, harvests, sources, type HarvestError, type HarvestStatus, type HarvestWarning, type RobotsVerdict, type SourceKind } from '../db/schema/index.js';
import { resolveCouncil } from '../meetings/store.js';

/** Every query of sources and harvests. */

/** Failures in a row after which a source is flagged (and each further failure logged at warn). */
export const failingAfter = 3;

const sourceColumns = {
  id: sources.id,
  council: councils.name,
  councilSlug: councils.slug,
  kind: sources.kind,
  url: sources.url,
  enabled: sources.enabled,
  lastHarvestAt: sources.lastHarvestAt,
  lastSuccessAt: sources.lastSuccessAt,
  consecutiveFailures: sources.consecutiveFailures,
  healthNote: sources.healthNote,
  timeoutSeconds: sources.timeoutSeconds,
  robots: sources.robots,
  robotsPermission: sources.robotsPermission,
  robotsPermissionAt: sources.robotsPermissionAt,
  lastCheck: sources.lastCheck,
};

export type SourceRow = Awaited<ReturnType<typeof sourcesWhere>>[number];

function sourcesWhere(db: Db, where?: ReturnType<typeof eq>) {
  return db.select(sourceColumns).from(sources).innerJoin(councils, eq(councils.id, sources.councilId)).where(where).orderBy(councils.name);
}

export async function listSources(db: Db, options: { enabledOnly?: boolean } = {}): Promise<SourceRow[]> {
  return sourcesWhere(db, options.enabledOnly ? eq(sources.enabled, true) : undefined);
}

export async function findSource(db: Db, id: number): Promise<SourceRow | undefined> {
  const [row] = await sourcesWhere(db, eq(sources.id, id));
  return row;
}

/** The source of a council named by its name, slug or an alias. */
export async function findSourceOfCouncil(db: Db, council: string): Promise<SourceRow | undefined> {
  const rows = await db
    .select(sourceColumns)
    .from(sources)
    .innerJoin(councils, eq(councils.id, sources.councilId))
    .where(
      sql`${councils.slug} = lower(${council}) or lower(${councils.name}) = lower(${council})
        or exists (select 1 from unnest(${councils.aliases}) alias where lower(alias) = lower(${council}))`,
    )
    .limit(1);
  return rows[0];
}

export class SourceExistsError extends Error {
  override readonly name = 'SourceExistsError';
  constructor(readonly existing: SourceRow) {
    super(`${existing.council} already has a ${existing.kind} source (id ${existing.id}): change it with PATCH /api/admin/sources/${existing.id}`);
  }
}

/** Adds a source; `council` is a name or alias, and a new name creates the council, as imports do. */
export async function createSource(db: Db, input: { council: string; kind: SourceKind; url: string; enabled?: boolean }): Promise<SourceRow> {
  const council = await resolveCouncil(db, input.council);
  const [row] = await db
    .insert(sources)
    .values({ councilId: council.id, kind: input.kind, url: input.url, enabled: input.enabled ?? true })
    .onConflictDoNothing()
    .returning({ id: sources.id });
  if (!row) {
    const [existing] = await sourcesWhere(db, and(eq(sources.councilId, council.id), eq(sources.kind, input.kind)) as ReturnType<typeof eq>);
    throw new SourceExistsError(existing!);
  }
  return (await findSource(db, row.id))!;
}

/**
 * Sets a council's source as seeds/councils.json gives it, keeping its
 * history, whether it is enabled, and a timeout an operator set (the seed's
 * fills one never set).
 */
export async function upsertSource(db: Db, councilId: number, kind: SourceKind, url: string, timeoutSeconds?: number): Promise<void> {
  await db
    .insert(sources)
    .values({ councilId, kind, url, timeoutSeconds: timeoutSeconds ?? null })
    .onConflictDoUpdate({
      target: [sources.councilId, sources.kind],
      set: { url, timeoutSeconds: sql`coalesce(${sources.timeoutSeconds}, excluded.timeout_seconds)`, updatedAt: new Date() },
    });
}

export interface SourceChange {
  url?: string;
  enabled?: boolean;
  /** null: HARVEST_TIMEOUT_SECONDS. */
  timeoutSeconds?: number | null;
  /** Who gave permission despite robots.txt, and when, in words; null withdraws it. */
  robotsPermission?: string | null;
}

export async function updateSource(db: Db, id: number, change: SourceChange): Promise<SourceRow | undefined> {
  const permission = change.robotsPermission === undefined ? {} : { robotsPermissionAt: change.robotsPermission === null ? null : new Date() };
  const [row] = await db
    .update(sources)
    .set({ ...change, ...permission, updatedAt: new Date() })
    .where(eq(sources.id, id))
    .returning({ id: sources.id });
  return row && findSource(db, row.id);
}

/** Keeps what the site's robots.txt said (harvest/robots.ts). */
export async function recordRobots(db: Db, id: number, verdict: RobotsVerdict): Promise<void> {
  await db.update(sources).set({ robots: verdict }).where(eq(sources.id, id));
}

/** Keeps the last `sources check` of a source. */
export async function recordCheck(db: Db, id: number, check: Record<string, unknown>): Promise<void> {
  await db.update(sources).set({ lastCheck: check }).where(eq(sources.id, id));
}

/** Notes that the site refuses us (robots.txt, a 403): the source shows as failing until a harvest gets through. */
export async function noteRefusal(db: Db, id: number, note: string): Promise<void> {
  await db.update(sources).set({ healthNote: note }).where(eq(sources.id, id));
}

/** Words a refusal's note starts with (site.ts, robots.ts), and no other note does. */
const refusalNote = sql`(${sources.healthNote} like 'robots.txt %' or ${sources.healthNote} like 'refused by the site%')`;

/** A harvest got through: a refusal noted earlier no longer holds (other notes are the reader's to keep or clear). */
export async function clearRefusal(db: Db, id: number): Promise<void> {
  await db.update(sources).set({ healthNote: null }).where(and(eq(sources.id, id), refusalNote));
}

const harvestColumns = {
  id: harvests.id,
  sourceId: harvests.sourceId,
  council: councils.name,
  url: sources.url,
  status: harvests.status,
  trigger: harvests.trigger,
  from: harvests.fromDate,
  to: harvests.toDate,
  total: harvests.total,
  done: harvests.done,
  created: harvests.created,
  updated: harvests.updated,
  unchanged: harvests.unchanged,
  skipped: harvests.skipped,
  requests: harvests.requests,
  items: harvests.items,
  errors: harvests.errors,
  warnings: harvests.warnings,
  warningCount: harvests.warningCount,
  createdAt: harvests.createdAt,
  startedAt: harvests.startedAt,
  finishedAt: harvests.finishedAt,
};

export type HarvestRow = Awaited<ReturnType<typeof findHarvest>> & {};

export async function findHarvest(db: Db, id: number) {
  const [row] = await db
    .select(harvestColumns)
    .from(harvests)
    .innerJoin(sources, eq(sources.id, harvests.sourceId))
    .innerJoin(councils, eq(councils.id, sources.councilId))
    .where(eq(harvests.id, id));
  return row;
}

/** The newest harvests first, of one source or all. */
export async function listHarvests(db: Db, options: { sourceId?: number; limit: number }) {
  return db
    .select(harvestColumns)
    .from(harvests)
    .innerJoin(sources, eq(sources.id, harvests.sourceId))
    .innerJoin(councils, eq(councils.id, sources.councilId))
    .where(options.sourceId === undefined ? undefined : eq(harvests.sourceId, options.sourceId))
    .orderBy(desc(harvests.id))
    .limit(options.limit);
}

/**
 * Whether a source is failing: its last `failingAfter` harvests read nothing,
 * or it has a health note (what it read says the site changed shape, or the
 * site refuses us).
 */
export function isFailing(source: Pick<SourceRow, 'consecutiveFailures' | 'healthNote'>): boolean {
  return source.consecutiveFailures >= failingAfter || source.healthNote !== null;
}

/** Every source with its latest harvest: what operators look at for the sites' health. */
export async function sourcesWithLatest(db: Db): Promise<(SourceRow & { latest: HarvestRow | undefined })[]> {
  const [sources, latest] = await Promise.all([listSources(db), latestHarvests(db)]);
  return sources.map((source) => ({ ...source, latest: latest.get(source.id) }));
}

/** The latest harvest of each source, for the sources listing. */
export async function latestHarvests(db: Db) {
  const rows = await db.execute<{ id: string }>(sql`select max(id) as id from ${harvests} group by source_id`);
  const latest = await Promise.all(rows.rows.map((row) => findHarvest(db, Number(row.id))));
  return new Map(latest.filter((row) => row !== undefined).map((row) => [row.sourceId, row]));
}

/**
 * Queues a harvest of a source, or answers the one already queued or
 * running: a second request joins it rather than reading the site twice.
 */
export async function queueHarvest(
  db: Db,
  input: { sourceId: number; from: string; to: string; trigger: string; budgetMinutes?: number },
): Promise<{ id: number; joined: boolean }> {
  await expireHarvests(db, input.sourceId, input.budgetMinutes ?? defaultBudgetMinutes);
  const [row] = await db
    .insert(harvests)
    .values({ sourceId: input.sourceId, fromDate: input.from, toDate: input.to, trigger: input.trigger })
    .onConflictDoNothing()
    .returning({ id: harvests.id });
  if (row) return { id: row.id, joined: false };
  const [active] = await db
    .select({ id: harvests.id })
    .from(harvests)
    .where(and(eq(harvests.sourceId, input.sourceId), sql`${harvests.status} in ('queued', 'running')`));
  if (!active) return queueHarvest(db, input);
  return { id: active.id, joined: true };
}

export async function markRunning(db: Db, id: number, at: Date): Promise<void> {
  await db
    .update(harvests)
    .set({ status: 'running', startedAt: at, total: 0, done: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, requests: 0, items: 0, errors: [], warnings: [], warningCount: 0 })
    .where(eq(harvests.id, id));
}

export interface HarvestCounts {
  total: number;
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  requests: number;
  /** Agenda items read, exempt ones included. */
  items: number;
  errors: HarvestError[];
  warnings: HarvestWarning[];
  warningCount: number;
}

export async function recordProgress(db: Db, id: number, counts: HarvestCounts): Promise<void> {
  await db.update(harvests).set(counts).where(eq(harvests.id, id));
}

/** Ends a harvest and keeps its source's health: when it last ran, last read something, and failures in a row. */
export async function finishHarvest(
  db: Db,
  id: number,
  outcome: {
    status: Extract<HarvestStatus, 'finished' | 'failed'>;
    counts: HarvestCounts;
    at: Date;
    /** Why the source is failing, in words; null clears it; absent: a success clears it, a failure keeps it. */
    healthNote?: string | null;
  },
): Promise<{ consecutiveFailures: number }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(harvests)
      .set({ ...outcome.counts, status: outcome.status, finishedAt: outcome.at })
      .where(eq(harvests.id, id))
      .returning({ sourceId: harvests.sourceId });
    const failed = outcome.status === 'failed';
    const healthNote = outcome.healthNote !== undefined ? outcome.healthNote : failed ? undefined : null;
    const [source] = await tx
      .update(sources)
      .set({
        lastHarvestAt: outcome.at,
        ...(healthNote !== undefined ? { healthNote } : {}),
        ...(failed ? { consecutiveFailures: sql`${sources.consecutiveFailures} + 1` } : { lastSuccessAt: outcome.at, consecutiveFailures: 0 }),
      })
      .where(eq(sources.id, row!.sourceId))
      .returning({ consecutiveFailures: sources.consecutiveFailures });
    return { consecutiveFailures: source!.consecutiveFailures };
  });
}

/** HARVEST_BUDGET_MINUTES' default. */
export const defaultBudgetMinutes = 120;

/**
 * Marks failed a source's harvest that has been queued or running longer
 * than its budget (its job was lost, or its worker keeps dying), so a new
 * request starts a harvest rather than joining one that will never end.
 */
export async function expireHarvests(db: Db, sourceId: number, budgetMinutes: number): Promise<void> {
  await abandonHarvest(
    db,
    and(
      eq(harvests.sourceId, sourceId),
      sql`${harvests.status} in ('queued', 'running') and coalesce(${harvests.startedAt}, ${harvests.createdAt}) < now() - make_interval(mins => ${budgetMinutes})`,
    )!,
    `expired after ${budgetMinutes} minutes`,
  );
}

/** Marks a harvest failed, with the reason, when its job failed or stalled for good before it ended. */
export async function failHarvest(db: Db, id: number, reason: string): Promise<void> {
  await abandonHarvest(db, and(eq(harvests.id, id), sql`${harvests.status} in ('queued', 'running')`)!, reason);
}

async function abandonHarvest(db: Db, where: ReturnType<typeof and> & {}, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const ended = await tx
      .update(harvests)
      .set({ status: 'failed', finishedAt: sql`now()`, errors: sql`${harvests.errors} || ${JSON.stringify([{ message: `The harvest ended: ${reason}` }])}::jsonb` })
      .where(where)
      .returning({ sourceId: harvests.sourceId });
    for (const { sourceId } of ended) {
      await tx
        .update(sources)
        .set({ lastHarvestAt: sql`now()`, consecutiveFailures: sql`${sources.consecutiveFailures} + 1` })
        .where(eq(sources.id, sourceId));
    }
  });
}
