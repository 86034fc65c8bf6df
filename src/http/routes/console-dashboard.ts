import type { FastifyInstance } from 'fastify';
import { createSubscriberCounter, loadDashboard } from '../../console/dashboard.js';
import type { AppDeps } from '../app.js';
import { clockOf } from '../deps.js';
import { dashboardPage } from '../pages/console/dashboard.js';
import { sendPage } from '../pages/support.js';
import { pageContext } from '../pages/console/context.js';

/** GET /admin: subscribers, runs, the schedule, queues and waiting feed requests at a glance. */
export async function consoleDashboardRoutes(app: FastifyInstance, deps: AppDeps) {
  const counter = createSubscriberCounter(deps.database.db);
  const now = clockOf(deps);
  app.get('/admin', { schema: { hide: true }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const dashboard = await loadDashboard(
      { db: deps.database.db, counter, queue: deps.digests?.queue, cron: deps.config.DIGEST_CRON, zone: deps.config.DIGEST_TZ },
      now(),
    );
    return sendPage(reply, 200, dashboardPage(pageContext(request, reply), dashboard, deps.config.DIGEST_TZ));
  });
}
