import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { JobOutcome, JobQueue, WorkOptions } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { HarvestMetrics } from './metrics.js';
import { failHarvest, listSources, queueHarvest } from './repo.js';
import { harvestWindow, runHarvest, type HarvestDeps } from './run.js';

/** What the service tells councils' sites it is. */
export function harvestUserAgent(config: Pick<Config, 'PUBLIC_BASE_URL'>): string {
  return `council-digest (+${config.PUBLIC_BASE_URL}; weekly digests of council meetings)`;
}

/** A harvest's dependencies from the settings; src/main/wiring.ts builds them, for the jobs, the API's source checks and the `harvest` command. */
export function harvestDeps(config: Config, parts: { db: Db; logger: Logger; metrics?: HarvestMetrics; now?: () => Date }): HarvestDeps & { budgetMinutes: number } {
  return {
    db: parts.db,
    logger: parts.logger,
    metrics: parts.metrics,
    userAgent: harvestUserAgent(config),
    now: parts.now ?? (() => new Date()),
    policy: {
      pauseMs: config.HARVEST_PAUSE_MS,
      timeoutMs: config.HARVEST_TIMEOUT_SECONDS * 1000,
      retries: config.HARVEST_RETRIES,
      maxAnswerBytes: config.HARVEST_MAX_ANSWER_MB * 1024 * 1024,
    },
    budgetMinutes: config.HARVEST_BUDGET_MINUTES,
  };
}

/**
 * Queues a harvest of each source (every enabled one when none is named) and
 * its job; a source with a harvest already queued or running joins it.
 */
export async function startHarvests(
  deps: { db: Db; queue: JobQueue; now: () => Date; zone: string; budgetMinutes?: number },
  request: { sourceIds?: number[]; from?: string; to?: string; trigger: string },
): Promise<{ id: number; joined: boolean }[]> {
  const sourceIds = request.sourceIds ?? (await listSources(deps.db, { enabledOnly: true })).map((source) => source.id);
  const window = harvestWindow(deps.now(), deps.zone, request);
  const queued = [];
  for (const sourceId of sourceIds) {
    const harvest = await queueHarvest(deps.db, { sourceId, ...window, trigger: request.trigger, budgetMinutes: deps.budgetMinutes });
    await deps.queue.add({ name: 'harvest-source', data: { harvestId: harvest.id }, jobId: `harvest-${harvest.id}` });
    queued.push(harvest);
  }
  return queued;
}

/** What the harvest jobs need: a harvest's dependencies, and the queue and zone to start more with. */
export type HarvestJobDeps = HarvestDeps & { queue: JobQueue; zone: string; budgetMinutes: number };

/** The `harvest-nightly` job: queues a harvest of every enabled source. */
export async function harvestNightly(deps: HarvestJobDeps): Promise<JobOutcome> {
  const queued = await startHarvests(deps, { trigger: 'schedule' });
  deps.logger.info({ sources: queued.length }, 'nightly harvests queued');
  return { sent: queued.length, skipped: 0, failed: 0 };
}

/**
 * The `harvest-source` job: reads one source. A harvest that throws is
 * marked failed with the reason and not retried: the next harvest reads the
 * site again.
 */
export async function harvestSource(deps: HarvestDeps, { harvestId }: { harvestId: number }): Promise<JobOutcome> {
  try {
    const harvest = await runHarvest(deps, harvestId);
    return { sent: harvest.created + harvest.updated, skipped: harvest.unchanged + harvest.skipped, failed: harvest.errors.length };
  } catch (error) {
    deps.logger.error({ harvest: harvestId, err: error }, 'harvest stopped');
    await failHarvest(deps.db, harvestId, `its job failed: ${(error as Error).message}`);
    return { sent: 0, skipped: 0, failed: 1 };
  }
}

/**
 * A harvest whose job failed for good without its processor settling it (its
 * worker died and the job stalled out, or it threw on its last attempt) is
 * marked failed with the reason, rather than left running for good.
 */
export function settleFailedHarvestJob(db: Db): NonNullable<WorkOptions['onGiveUp']> {
  return async (job, error) => {
    if (job.name === 'harvest-source') await failHarvest(db, (job.data as { harvestId: number }).harvestId, `its job failed: ${error.message}`);
  };
}
