import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';

export async function healthRoutes(app: FastifyInstance, deps: AppDeps) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  /** Ready when Postgres answers and, where jobs go through Redis, Redis does too. */
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    try {
      await deps.database.db.execute(sql`select 1`);
      checks.postgres = 'ok';
    } catch (error) {
      checks.postgres = `down: ${(error as Error).message}`;
    }
    if (deps.redis) {
      try {
        await deps.redis.ping();
        checks.redis = 'ok';
      } catch (error) {
        checks.redis = `down: ${(error as Error).message}`;
      }
    } else {
      checks.redis = 'not used (jobs run in-process)';
    }
    const ready = Object.values(checks).every((value) => !value.startsWith('down'));
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
