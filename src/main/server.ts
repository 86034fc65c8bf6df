import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import { startInbound } from './inbound.js';
import type { Runtime } from './runtime.js';
import { startWork, wire, type Wiring } from './wiring.js';

/**
 * The API process: builds the app on the wiring (main/wiring.ts) and
 * listens. Without REDIS_URL it is also the worker: every job (sign-up mail
 * and harvests too) and their schedules run here; given a wiring already
 * working the weekly run's jobs (the demo), it takes on the rest. Shutdown
 * is two-phase: stop accepting requests and finish those in flight, then
 * drain the jobs and close the mail transport (the caller closes the
 * database).
 */
export async function startServer(runtime: Runtime, given?: Wiring): Promise<FastifyInstance> {
  const { config, logger } = runtime;
  const wiring = given ?? (await wire(runtime));
  const { queue } = wiring;
  if (queue.mode === 'inline') await startWork(wiring, { schedule: true });
  const app = await buildApp({ ...wiring, ...(queue.mode === 'redis' ? { redis: queue } : {}) });
  const inbound = config.SERVE_INBOUND ? await startInbound(config, wiring.returns) : undefined;
  app.addHook('onClose', async () => {
    await inbound?.close();
    await wiring.close();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url: config.PUBLIC_BASE_URL, docs: `${config.PUBLIC_BASE_URL}/docs` }, 'council-digest API listening');
  return app;
}
