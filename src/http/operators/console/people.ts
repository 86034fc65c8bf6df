import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../../console/api-tokens.js';
import { listAudit } from '../../../console/audit.js';
import { addOperator, findOperator, listOperators, operatorRoles, removeOperator } from '../../../console/operators.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { pageContext } from './context.js';
import { auditPage, operatorsPage, tokensPage } from './people-page.js';
import { sendPage } from '../../html/support.js';
import { actorOf, audit } from '../../plugins/roles.js';
import { auditView, personOf } from '../api/operators.js';

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** The audit log, operators (owners only) and each person's own API tokens. */
export async function consolePeopleRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const zone = deps.config.DIGEST_TZ;
  const now = clockOf(deps);

  routes.get(
    '/admin/audit',
    { schema: { hide: true, querystring: z.object({ action: z.string().trim().max(100).optional(), before: z.coerce.number().int().positive().optional() }) }, config: { role: 'viewer', consolePage: true } },
    async (request, reply) => {
      const rows = await listAudit(db, { limit: 100, before: request.query.before, action: request.query.action || undefined });
      const actor = actorOf(request);
      const entries = rows.map((row) => auditView(row, actor));
      return sendPage(reply, 200, auditPage(pageContext(request, reply), { entries, action: request.query.action ?? '', nextBefore: rows.length === 100 ? rows.at(-1)!.id : null, zone }));
    },
  );

  const operators = async (request: FastifyRequest, reply: FastifyReply, notice?: string) =>
    sendPage(reply, 200, operatorsPage(pageContext(request, reply), { operators: await listOperators(db), notice, zone }));

  routes.get('/admin/operators', { schema: { hide: true }, config: { role: 'owner', consolePage: true } }, async (request, reply) => operators(request, reply));

  routes.post(
    '/admin/operators',
    { schema: { hide: true, body: z.object({ email: z.string().max(320), role: z.enum(operatorRoles) }).passthrough() }, config: { role: 'owner', consolePage: true } },
    async (request, reply) => {
      const { operator, created } = await addOperator(db, { email: request.body.email, role: request.body.role });
      await audit(deps, request, { action: created ? 'operator.add' : 'operator.role', objectType: 'operator', objectId: operator.email, detail: { role: operator.role } });
      return operators(request, reply, `${operator.email} is ${created ? 'added as' : 'now'} ${operator.role === 'operator' ? 'an' : 'a'} ${operator.role}.`);
    },
  );

  routes.post('/admin/operators/:id/remove', { schema: { hide: true, params: idParams }, config: { role: 'owner', consolePage: true } }, async (request, reply) => {
    const found = await findOperator(db, request.params.id);
    if (!found) throw new ApiError(404, `No operator ${request.params.id}`);
    await removeOperator(db, found.email);
    await audit(deps, request, { action: 'operator.remove', objectType: 'operator', objectId: found.email });
    if (found.id === actorOf(request).operatorId) return reply.redirect('/admin/sign-in', 303);
    return operators(request, reply, `${found.email} is removed; their sessions and tokens have ended.`);
  });

  const tokens = async (request: FastifyRequest, reply: FastifyReply, created?: string) =>
    sendPage(reply, 200, tokensPage(pageContext(request, reply), { tokens: await listApiTokens(db, personOf(actorOf(request))), created, zone }));

  routes.get('/admin/tokens', { schema: { hide: true }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => tokens(request, reply));

  routes.post(
    '/admin/tokens',
    { schema: { hide: true, body: z.object({ name: z.string().trim().min(1).max(100).refine((value) => !/[\r\n]/.test(value)) }).passthrough() }, config: { role: 'viewer', consolePage: true } },
    async (request, reply) => {
      const created = await createApiToken(db, personOf(actorOf(request)), request.body.name);
      await audit(deps, request, { action: 'token.create', objectType: 'token', objectId: created.prefix, detail: { name: created.name } });
      return tokens(request, reply, created.token);
    },
  );

  routes.post('/admin/tokens/:id/revoke', { schema: { hide: true, params: idParams }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const revoked = await revokeApiToken(db, personOf(actorOf(request)), request.params.id, now());
    if (!revoked) throw new ApiError(404, `You have no live token ${request.params.id}`);
    await audit(deps, request, { action: 'token.revoke', objectType: 'token', objectId: revoked.prefix, detail: { name: revoked.name } });
    return tokens(request, reply);
  });
}
