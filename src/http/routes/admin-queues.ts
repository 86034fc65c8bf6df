import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JobQueue } from '../../jobs/types.js';
import type { AppDeps } from '../app.js';
import { errorBody, errorCodes } from '../errors.js';
import { bearerToken, secretsEqual } from '../plugins/auth.js';
import { html } from '../pages/html.js';
import { messagePage } from '../pages/layout.js';

export const queuesPath = '/admin/queues';

/**
 * The operator token, as a bearer token (scripts) or as the password of HTTP
 * Basic auth (any user name), which a browser asks for by itself. Refusals
 * are sent from here: Bull Board's own error handler would reshape a thrown
 * error.
 */
function requireOperator(adminToken: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const refuse = (status: 401 | 403 | 503, message: string) => reply.code(status).send(errorBody(errorCodes[status], message));
    if (!adminToken) return refuse(503, 'Operator pages are disabled: set ADMIN_TOKEN to enable them');
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const given = bearerToken(request) ?? (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined);
    if (!given) {
      reply.header('www-authenticate', 'Basic realm="council-digest operators", charset="UTF-8"');
      return refuse(401, 'Sign in with any user name and the operator token as the password');
    }
    if (!secretsEqual(given, adminToken)) return refuse(403, 'That token does not grant operator access');
    return undefined;
  };
}

/**
 * Bull Board over the BullMQ queues. In-process jobs have no Redis to show,
 * so the page says so and lists what is waiting and running in this process.
 */
export async function adminQueueRoutes(app: FastifyInstance, deps: AppDeps) {
  app.addHook('onRequest', requireOperator(deps.config.ADMIN_TOKEN));
  const queue: JobQueue | undefined = deps.digests?.queue;
  if (queue?.queues) {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(queuesPath);
    createBullBoard({ queues: queue.queues.map((each) => new BullMQAdapter(each)), serverAdapter });
    await app.register(serverAdapter.registerPlugin(), { prefix: queuesPath });
    return;
  }
  app.get(queuesPath, { schema: { hide: true } }, async (_request, reply) => {
    const depth = queue ? await queue.depth() : [];
    const body = messagePage({
      title: 'Job queues',
      lead: queue
        ? 'REDIS_URL is unset, so jobs run inside this process and Bull Board has no Redis queues to show.'
        : 'This process does not run the weekly digest jobs.',
      more: html`<ul>${depth.map((row) => html`<li>${row.queue}: ${row.count} ${row.state}</li>`)}</ul>
<p>Runs and their counts: <code>GET /api/admin/digest-runs</code>.</p>`,
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  });
}
