import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../../console/api-tokens.js';
import { listAudit, type Actor, type AuditRow } from '../../../console/audit.js';
import { addOperator, findOperator, listOperators, maskAddress, operatorRoles, removeOperator, type Operator } from '../../../console/operators.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { actorOf, audit, requireRole } from '../../plugins/roles.js';
import { adminErrorResponses, errorResponse } from '../../schemas.js';

const auditOut = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});

const operatorOut = z.object({ id: z.number(), email: z.string(), role: z.enum(operatorRoles), createdAt: z.string() });
const tokenOut = z.object({ id: z.number(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() });

const iso = (date: Date | null) => date?.toISOString() ?? null;
const operatorView = (operator: Operator) => ({ id: operator.id, email: operator.email, role: operator.role, createdAt: operator.createdAt.toISOString() });

/** Addresses inside free text (an actor's name, a suppressed address) as a viewer sees them. */
const maskAddressesIn = (text: string) => text.replace(/[^\s()<>@]+@[^\s()<>@]+/g, maskAddress);

/** An audit row for the answer: addresses masked for viewers. */
export function auditView(row: AuditRow, actor: Actor) {
  const show = actor.role === 'viewer' ? maskAddressesIn : (text: string) => text;
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: show(row.actor),
    action: row.action,
    objectType: row.objectType,
    objectId: row.objectId === null ? null : show(row.objectId),
    detail: row.detail as Record<string, unknown>,
    ip: row.ip,
  };
}

/** The operator behind a request; ADMIN_TOKEN is nobody in particular, so it has no tokens of its own. */
export function personOf(actor: Actor): number {
  if (actor.operatorId === null) throw new ApiError(409, 'ADMIN_TOKEN is shared, not a person: sign in, or use a personal API token, to manage your own tokens');
  return actor.operatorId;
}

/** The console's own API: the audit log, operators (owners only) and each operator's personal API tokens. */
export async function adminConsoleRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const now = clockOf(deps);
  const security = [{ adminToken: [] }];
  const tags = ['operators'];
  routes.addHook('onRequest', requireRole(deps));

  routes.get(
    '/api/admin/audit',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        security,
        summary: 'The audit log, newest first',
        description: 'One row per change an operator made: who, what, which object, when, from which IP. Nothing changes or deletes a row.',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().positive().optional().describe('nextBefore from the previous page'),
          action: z.string().trim().max(100).optional(),
          actor: z.string().trim().max(400).optional(),
        }),
        response: { 200: z.object({ entries: z.array(auditOut), nextBefore: z.number().nullable() }), ...adminErrorResponses },
      },
    },
    async (request) => {
      const rows = await listAudit(db, request.query);
      const actor = actorOf(request);
      return { entries: rows.map((row) => auditView(row, actor)), nextBefore: rows.length === request.query.limit ? rows.at(-1)!.id : null };
    },
  );

  routes.get(
    '/api/admin/operators',
    {
      config: { role: 'owner' },
      schema: { tags, security, summary: 'Operators and their roles', response: { 200: z.object({ operators: z.array(operatorOut) }), ...adminErrorResponses } },
    },
    async () => ({ operators: (await listOperators(db)).map(operatorView) }),
  );

  routes.post(
    '/api/admin/operators',
    {
      config: { role: 'owner' },
      schema: {
        tags,
        security,
        summary: 'Add an operator, or change the role of one already there',
        body: z.object({ email: z.string().max(320), role: z.enum(operatorRoles) }),
        response: { 200: operatorOut, 201: operatorOut, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const { operator, created } = await addOperator(db, request.body);
      await audit(deps, request, { action: created ? 'operator.add' : 'operator.role', objectType: 'operator', objectId: operator.email, detail: { role: operator.role } });
      return reply.code(created ? 201 : 200).send(operatorView(operator));
    },
  );

  routes.delete(
    '/api/admin/operators/:id',
    {
      config: { role: 'owner' },
      schema: {
        tags,
        security,
        summary: 'Remove an operator: their sessions and API tokens end at once',
        params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
        response: { 204: z.null(), 404: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const found = await findOperator(db, request.params.id);
      if (!found) throw new ApiError(404, `No operator ${request.params.id}`);
      await removeOperator(db, found.email);
      await audit(deps, request, { action: 'operator.remove', objectType: 'operator', objectId: found.email });
      return reply.code(204).send(null);
    },
  );

  routes.get(
    '/api/admin/tokens',
    {
      config: { role: 'viewer' },
      schema: { tags, security, summary: 'Your personal API tokens', response: { 200: z.object({ tokens: z.array(tokenOut) }), 409: errorResponse, ...adminErrorResponses } },
    },
    async (request) => ({
      tokens: (await listApiTokens(db, personOf(actorOf(request)))).map((token) => ({ ...token, createdAt: token.createdAt.toISOString(), lastUsedAt: iso(token.lastUsedAt), revokedAt: iso(token.revokedAt) })),
    }),
  );

  routes.post(
    '/api/admin/tokens',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        security,
        summary: 'Create a personal API token',
        description: 'It acts with your role and is named in the audit log as "<name> (<your address>)". The token is in this answer only; it is stored as a hash.',
        body: z.object({ name: z.string().trim().min(1).max(100).refine((value) => !/[\r\n]/.test(value), 'must be on one line') }),
        response: { 201: tokenOut.extend({ token: z.string() }), 409: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const created = await createApiToken(db, personOf(actorOf(request)), request.body.name);
      await audit(deps, request, { action: 'token.create', objectType: 'token', objectId: created.prefix, detail: { name: created.name } });
      return reply.code(201).send({ ...created, createdAt: created.createdAt.toISOString(), lastUsedAt: null, revokedAt: null });
    },
  );

  routes.delete(
    '/api/admin/tokens/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        security,
        summary: 'Revoke one of your personal API tokens',
        params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
        response: { 204: z.null(), 404: errorResponse, 409: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const revoked = await revokeApiToken(db, personOf(actorOf(request)), request.params.id, now());
      if (!revoked) throw new ApiError(404, `You have no live token ${request.params.id}`);
      await audit(deps, request, { action: 'token.revoke', objectType: 'token', objectId: revoked.prefix, detail: { name: revoked.name } });
      return reply.code(204).send(null);
    },
  );
}
