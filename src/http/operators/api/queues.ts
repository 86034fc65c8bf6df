import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JobQueue } from '../../../jobs/types.js';
import type { AppDeps } from '../../deps.js';
import { ApiError, errorBody, errorCodes, type ErrorStatus } from '../../errors.js';
import { bearerToken } from '../../plugins/auth.js';
import { secretsEqual } from '../../../tokens/bearer.js';
import { registerOperatorSession } from '../../plugins/console-session.js';
import { requireRole } from '../../plugins/roles.js';
import { html } from '../../html/html.js';
import { messagePage } from '../../html/layout.js';

export const queuesPath = '/admin/queues';

/** The password of HTTP Basic auth (any user name), which a browser asks for by itself when answered 401. */
function basicPassword(request: FastifyRequest): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return basic === undefined ? undefined : Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':');
}

/** Whether a browser's write comes from a page of this site: a signed-in session's cookie must not act for another site's page. */
function fromThisSite(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).hostname === request.hostname;
  } catch {
    return false;
  }
}

/**
 * Who may open Bull Board: an operator or owner, through the role guard
 * every console route uses (a signed-in console session, ADMIN_TOKEN or a
 * personal API token as a bearer token; viewers are refused and the
 * refusal audited), or ADMIN_TOKEN as the password of the browser's own
 * Basic sign-in prompt. Refusals are sent from here: Bull Board's own error
 * handler would reshape a thrown error.
 */
function requireQueueOperator(deps: AppDeps) {
  const guard = requireRole(deps, 'operator');
  const adminToken = deps.config.ADMIN_TOKEN;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const refuse = (status: ErrorStatus, message: string) => reply.code(status).send(errorBody(errorCodes[status], message));
    const password = basicPassword(request);
    if (password !== undefined) {
      if (!adminToken) return refuse(503, 'The shared operator token is switched off: sign in to the console at /admin instead');
      if (!secretsEqual(password, adminToken)) return refuse(403, 'That token does not grant operator access');
      return undefined;
    }
    if (!bearerToken(request) && !fromThisSite(request)) return refuse(403, 'Bull Board changes jobs only from its own pages');
    try {
      return await guard(request, reply);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.statusCode === 401) {
        reply.header('www-authenticate', 'Basic realm="council-digest operators", charset="UTF-8"');
        return refuse(401, 'Sign in to the console at /admin, or with any user name and the operator token as the password');
      }
      return refuse(error.statusCode, error.message);
    }
  };
}

/**
 * Bull Board over the BullMQ queues. In-process jobs have no Redis to show,
 * so the page says so and lists what is waiting and running in this process.
 */
export async function adminQueueRoutes(app: FastifyInstance, deps: AppDeps) {
  await registerOperatorSession(app, deps);
  app.addHook('onRequest', requireQueueOperator(deps));
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
