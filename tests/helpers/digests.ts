import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { DigestDeps } from '../../src/digests/deps.js';
import { createDigestMetrics } from '../../src/digests/metrics.js';
import { findRun, type DigestRun } from '../../src/digests/run-repo.js';
import { requestRun } from '../../src/digests/runs.js';
import { buildApp } from '../../src/http/app.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import type { JobQueue } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';
import { createSmtpMailer, type Mailer } from '../../src/mail/transport.js';
import { startWork, wire, type Wiring } from '../../src/main/wiring.js';
import { testConfig, tokenSecret } from './app.js';
import { testRedisUrl } from './redis.js';
import { startSmtpSink, type SinkBehaviour, type SmtpSink } from './smtp.js';
import { testTemplates } from './templates.js';

/** Fast retries, so a transient failure is retried within a test. */
export const testRetry = { attempts: 3, backoffMs: 25 };

export interface DigestHarness {
  config: Config;
  /** Everything, wired by main/wiring.ts as the worker wires it. */
  wiring: Wiring;
  /** The weekly run's dependencies (wiring.digests). */
  deps: DigestDeps;
  queue: JobQueue;
  mailer: Mailer;
  smtp: SmtpSink;
}

/**
 * The weekly run wired as production wires it, on this file's database,
 * sending to a real SMTP sink: in-process jobs by default, BullMQ on the
 * test Redis when given a prefix. Closed when the file ends.
 */
export async function createDigestHarness(
  database: Database,
  options: { env?: Record<string, string>; sink?: SinkBehaviour; redisPrefix?: string; work?: boolean; smtp?: SmtpSink } = {},
): Promise<DigestHarness> {
  const smtp = options.smtp ?? (await startSmtpSink(options.sink));
  const config = testConfig(database, { SMTP_URL: smtp.url, DIGEST_BATCH_SIZE: '2', SEND_RATE_PER_SECOND: '10000', ...options.env });
  const logger = createLogger({ level: 'silent' });
  const mailer = createSmtpMailer({ url: smtp.url, from: config.MAIL_FROM });
  const queue = options.redisPrefix
    ? createBullQueue({ url: testRedisUrl, prefix: options.redisPrefix, logger, retry: testRetry })
    : createInlineQueue({ logger, retry: testRetry });
  const wiring = await wire({ config, database, logger }, { queue, mailer, templates: await testTemplates(), tokenSecret, metrics: createDigestMetrics({ processMetrics: false }) });
  // Small fan-out pages, so every run walks several.
  wiring.digests.pageSize = 3;
  // The weekly run's jobs, sign-up mail's and feed mail's, as the worker process works them.
  if (options.work ?? true) await startWork(wiring, { groups: ['digests', 'subscribers', 'feeds'] });
  afterAll(async () => {
    await queue.close();
    await mailer.close();
  });
  return { config, wiring, deps: wiring.digests, queue, mailer, smtp };
}

/**
 * The production app factory with the harness's weekly run wired in: its
 * own mail transport or pinned clock where given, the harness's runs (and
 * their counters) whatever is given.
 */
export async function createDigestApp(database: Database, harness: DigestHarness, overrides: { mailer?: Mailer; now?: () => Date } = {}): Promise<FastifyInstance> {
  const { wiring } = harness;
  const deps = await wire({ config: wiring.config, database, logger: wiring.logger }, { queue: harness.queue, mailer: overrides.mailer ?? harness.mailer, templates: wiring.templates, tokenSecret, metrics: wiring.metrics, now: overrides.now });
  const app = await buildApp({ ...deps, digests: harness.deps });
  await app.ready();
  afterAll(() => app.close());
  return app;
}

/** Polls a run until it is completed or failed. */
export async function waitForRun(database: Database, runId: number, timeoutMs = 15_000): Promise<DigestRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await findRun(database.db, runId))!;
    if (run.status === 'completed' || run.status === 'failed') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts (or joins) the run for a week and waits for it to finish. */
export async function runWeek(database: Database, harness: DigestHarness, week: string, options: { dryRun?: boolean } = {}) {
  const { run } = await requestRun(harness.deps, { week, dryRun: options.dryRun, trigger: 'api' });
  return waitForRun(database, run.id);
}
