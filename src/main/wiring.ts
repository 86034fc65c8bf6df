import { createDigestMetrics, type DigestMetrics } from '../digests/metrics.js';
import { digestDeps, type DigestDeps } from '../digests/deps.js';
import { digestProcessors } from '../digests/processors.js';
import { createJobQueue, workOptions } from '../jobs/index.js';
import { scheduleWeeklyRun } from '../jobs/scheduler.js';
import type { JobQueue } from '../jobs/types.js';
import { loadTemplates, type Templates } from '../mail/templates.js';
import { createMailer, type Mailer } from '../mail/transport.js';
import type { Runtime } from './runtime.js';
import { resolveTokenSecret } from '../tokens/link-secret.js';

/** What the API, the worker and the commands share beyond the runtime. */
export interface Services {
  templates: Templates;
  tokenSecret: string;
  mailer: Mailer;
  metrics: DigestMetrics;
  queue: JobQueue;
  digests: DigestDeps;
  /** Stops taking jobs and drains those in flight, then closes the mail transport. */
  close(): Promise<void>;
}

/**
 * Templates (compiled once, failing the start if one is broken), the link
 * key, one pooled mail transport, the job queue and metrics. With `work` the
 * process also runs the processors, and with `schedule` it keeps the weekly
 * schedule in place.
 */
export async function openServices(runtime: Runtime, options: { work: boolean; schedule?: boolean }): Promise<Services> {
  const { config, logger, database } = runtime;
  const [templates, tokenSecret, mailer] = await Promise.all([
    loadTemplates(),
    resolveTokenSecret(config),
    createMailer(config, logger, { maxConnections: config.WORKER_CONCURRENCY }),
  ]);
  const metrics = createDigestMetrics();
  const queue = createJobQueue(config, logger);
  metrics.watchQueue(queue);
  const digests = digestDeps(config, { db: database.db, queue, mailer, templates, tokenSecret, metrics, logger });
  if (options.work) {
    await queue.work(digestProcessors(digests), workOptions(config));
    if (options.schedule) await scheduleWeeklyRun(queue, { pattern: config.DIGEST_CRON, tz: config.DIGEST_TZ });
  }
  return {
    templates,
    tokenSecret,
    mailer,
    metrics,
    queue,
    digests,
    async close() {
      await queue.close();
      await mailer.close();
    },
  };
}
