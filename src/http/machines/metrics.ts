import type { FastifyInstance } from 'fastify';
import { registerSourceHealth } from '../../harvest/metrics.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { metricsRefusal } from '../../tokens/bearer.js';

/**
 * Prometheus exposition of this process: the weekly run's counters, SMTP
 * latency, queue depth and each harvest source's failures in a row (read
 * on each scrape). A worker serves its own, with the harvest counters.
 * With METRICS_TOKEN set, a scrape must carry it as a bearer token.
 */
export async function metricsRoutes(app: FastifyInstance, deps: AppDeps) {
  const { metrics } = deps;
  registerSourceHealth(metrics.registry, deps.database.db);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const refusal = metricsRefusal(request.headers.authorization, deps.config.METRICS_TOKEN);
    if (refusal) throw new ApiError(refusal.status, refusal.message);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
