import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import { startInbound } from './inbound.js';
import type { Runtime } from './runtime.js';
import { openServices, type Services } from './wiring.js';
import { createHarvestMetrics } from '../harvest/metrics.js';
import { workHarvestJobs } from '../harvest/processors.js';
import { workSubscriberJobs } from '../subscribers/processors.js';
import { feedMailDeps } from '../feeds/deps.js';
import { feedProcessors } from '../feeds/processors.js';
import { workOptions } from '../jobs/index.js';

/**
 * The API process: builds the app on the runtime's database and listens.
 * Without REDIS_URL it is also the worker: every job (sign-up mail and
 * harvests too) and the weekly and nightly schedules run here. Shutdown is
 * two-phase: stop accepting requests and finish those in flight, then drain
 * the jobs and close the mail transport (the caller closes the database).
 */
export async function startServer(runtime: Runtime, given?: Services): Promise<FastifyInstance> {
  const { config, logger, database } = runtime;
  const inline = !config.REDIS_URL;
  const services = given ?? (await openServices(runtime, { work: inline, schedule: inline }));
  const { mailer, templates, tokenSecret, digests, queue } = services;
  if (queue.mode === 'inline') {
    await workSubscriberJobs(config, { queue, db: database.db, mailer, templates, tokenSecret, logger });
    await queue.work(feedProcessors(feedMailDeps(config, { db: database.db, mailer, templates, tokenSecret, logger })), workOptions(config));
    await workHarvestJobs(config, { queue, db: database.db, logger, metrics: createHarvestMetrics(services.metrics.registry) });
  }
  const app = await buildApp({
    config,
    database,
    logger,
    mailer,
    templates,
    tokenSecret,
    digests,
    queue,
    ...(queue.mode === 'redis' ? { redis: queue } : {}),
  });
  const inbound = config.SERVE_INBOUND ? await startInbound(config, { db: database.db, logger, metrics: services.metrics, tokenSecret }) : undefined;
  app.addHook('onClose', async () => {
    await inbound?.close();
    await services.close();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url: config.PUBLIC_BASE_URL, docs: `${config.PUBLIC_BASE_URL}/docs` }, 'council-digest API listening');
  return app;
}

