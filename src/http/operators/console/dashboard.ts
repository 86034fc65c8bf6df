import type { FastifyInstance } from 'fastify';
import { createDashboard, createSubscriberCounter, scheduleClock } from '../../../console/dashboard.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { dashboardPage } from './dashboard-page.js';
import { sendPage } from '../../html/support.js';
import { pageContext } from './context.js';

/** GET /admin: subscribers, runs, the schedule, queues and waiting feed requests at a glance. */
export async function consoleDashboardRoutes(app: FastifyInstance, deps: AppDeps) {
  const now = clockOf(deps);
  const dashboard = createDashboard({
    db: deps.database.db,
    counter: createSubscriberCounter(deps.database.db),
    queue: deps.digests?.queue,
    nextRun: scheduleClock(deps.config.DIGEST_CRON, deps.config.DIGEST_TZ),
  });
  app.get('/admin', { schema: { hide: true }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    return sendPage(reply, 200, dashboardPage(pageContext(request, reply), await dashboard(now()), deps.config.DIGEST_TZ));
  });
}
