import type { FastifyInstance } from 'fastify';
import { createDigestMetrics } from '../../digests/metrics.js';
import type { AppDeps } from '../app.js';

/**
 * Prometheus exposition of this process: the weekly run's counters, SMTP
 * latency and queue depth (read on each scrape). A worker serves its own.
 */
export async function metricsRoutes(app: FastifyInstance, deps: AppDeps) {
  const metrics = deps.digests?.metrics ?? createDigestMetrics();
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
