import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { digestDeps, type DigestDeps } from '../../src/digests/deps.js';
import { createDigestMetrics } from '../../src/digests/metrics.js';
import { digestProcessors } from '../../src/digests/processors.js';
import { findRun, type DigestRun } from '../../src/digests/run-repo.js';
import { requestRun } from '../../src/digests/runs.js';
import { buildApp } from '../../src/http/app.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { workOptions } from '../../src/jobs/index.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import type { JobQueue } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';
import { loadTemplates, type Templates } from '../../src/mail/templates.js';
import { createSmtpMailer, type Mailer } from '../../src/mail/transport.js';
import { feedMailDeps } from '../../src/feeds/deps.js';
import { feedProcessors } from '../../src/feeds/processors.js';
import { subscriberMailDeps } from '../../src/subscribers/deps.js';
import { subscriberProcessors } from '../../src/subscribers/processors.js';
import { testConfig, tokenSecret } from './app.js';
import { testRedisUrl } from './redis.js';
import { startSmtpSink, type SinkBehaviour, type SmtpSink } from './smtp.js';

let templates: Promise<Templates> | undefined;

/** Fast retries, so a transient failure is retried within a test. */
export const testRetry = { attempts: 3, backoffMs: 25 };

export interface DigestHarness {
  config: Config;
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
  const metrics = createDigestMetrics({ processMetrics: false });
  metrics.watchQueue(queue);
  templates ??= loadTemplates();
  // Small fan-out pages, so every run walks several.
  const deps = { ...digestDeps(config, { db: database.db, queue, mailer, templates: await templates, tokenSecret, metrics, logger }), pageSize: 3 };
  if (options.work ?? true) {
    // The groups of mail jobs, as the worker process works them.
    const parts = { db: database.db, mailer, templates: deps.templates, tokenSecret, logger };
    await queue.work(digestProcessors(deps), workOptions(config));
    await queue.work(subscriberProcessors(subscriberMailDeps(config, parts)), workOptions(config));
    await queue.work(feedProcessors(feedMailDeps(config, parts)), workOptions(config));
  }
  afterAll(async () => {
    await queue.close();
    await mailer.close();
  });
  return { config, deps, queue, mailer, smtp };
}

/** The production app factory with the harness's weekly run wired in. */
export async function createDigestApp(database: Database, harness: DigestHarness, overrides: { mailer?: Mailer; now?: () => Date } = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    config: harness.config,
    database,
    logger: harness.deps.logger,
    mailer: overrides.mailer ?? harness.mailer,
    templates: harness.deps.templates,
    tokenSecret,
    digests: harness.deps,
    queue: harness.queue,
    now: overrides.now,
  });
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
