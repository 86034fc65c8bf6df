import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serveMetrics } from './metrics-server.js';
import type { Runtime } from './runtime.js';
import { startWork, wire, type Wiring } from './wiring.js';

export class WorkerSetupError extends Error {
  override readonly name = 'WorkerSetupError';
}

/**
 * The worker process: BullMQ workers for every job in main/wiring.ts's table
 * (the weekly run's, sign-up mail, feed confirmations, the nightly expiry of unconfirmed
 * sign-ups and the nightly harvest of the councils' sites), every schedule,
 * and its own /metrics (its counters live here, not in the API).
 * Shutdown drains: workers finish the jobs in flight before the connections
 * close.
 */
export async function startWorker(runtime: Runtime): Promise<{ wiring: Wiring; close(): Promise<void> }> {
  const { config, logger } = runtime;
  if (!config.REDIS_URL) {
    throw new WorkerSetupError('council-digest worker needs REDIS_URL; without it jobs run inside `council-digest serve`.');
  }
  const wiring = await wire(runtime);
  await startWork(wiring, { schedule: true });
  const metricsServer = config.WORKER_METRICS_PORT
    ? await serveMetrics(wiring.metrics.registry, { host: config.HOST, port: config.WORKER_METRICS_PORT, token: config.METRICS_TOKEN }, logger)
    : undefined;
  tuneGarbageCollection();
  logger.info({ cron: config.DIGEST_CRON, harvestCron: config.HARVEST_CRON, tz: config.DIGEST_TZ }, 'council-digest worker running');
  return {
    wiring,
    async close() {
      metricsServer?.close();
      await wiring.close();
    },
  };
}

/** How far V8 lets the old generation grow past what a full collection left, before the next one. */
const heapGrowingPercent = 20;

/**
 * A worker holds about 70 MB once started, and a run adds little it keeps
 * (docs/performance.md), but V8 lets the old generation grow to a limit it
 * sets generously until its first full collection: a run's promoted garbage
 * piled up to it, and a worker peaked at 225 MB in a 100,000-subscriber dry
 * run. One full collection once start-up is done sets the limit from what
 * the worker really holds, and growth of at most 20% past it keeps the peak
 * near 185 MB at the same CPU per digest. Not a heap cap: a worker that
 * needs more memory still gets it. Set here, by the worker itself, so every
 * way of starting one (the image, the bin, the bench) has it.
 */
function tuneGarbageCollection(): void {
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
  // V8 runs a full collection on request only through its gc extension, which a new context gets while the flag is on.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  setFlagsFromString('--no-expose-gc');
}
