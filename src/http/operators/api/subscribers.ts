import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subscriberStatuses, suppressions } from '../../../db/schema/index.js';
import { emailKey } from '../../../subscribers/email.js';
import { liftSuppression, listSuppressions, searchSubscribers, suppressAddress } from '../../../subscribers/operator-repo.js';
import { eraseSubscriberData, exportSubscriber, subscriberSummary } from '../../../subscribers/admin.js';
import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { addressView, audit, requireRole } from '../../plugins/roles.js';
import { clockOf } from '../../deps.js';
import { adminErrorResponses, errorResponse } from '../../schemas.js';
import { subscriberImportRoute } from './subscriber-import.js';

const subscriberOut = z.object({
  id: z.number(),
  publicId: z.string(),
  email: z.string().nullable(),
  status: z.enum(subscriberStatuses),
  councils: z.array(z.string()),
  committees: z.array(z.string()),
  topics: z.array(z.string()),
  keywords: z.array(z.string()),
  consentSource: z.string(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  unsubscribedAt: z.string().nullable(),
  erasedAt: z.string().nullable(),
});

const suppressionReasons = suppressions.reason.enumValues;

const suppressionOut = z.object({ email: z.string(), reason: z.enum(suppressionReasons), note: z.string().nullable(), createdAt: z.string() });

function suppressionView(row: { emailKey: string; reason: (typeof suppressionReasons)[number]; note: string | null; createdAt: Date }) {
  return { email: row.emailKey, reason: row.reason, note: row.note, createdAt: row.createdAt.toISOString() };
}

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export async function adminSubscriberRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const security = [{ adminToken: [] }];
  const tags = ['operators'];
  routes.addHook('onRequest', requireRole(deps));

  routes.get(
    '/api/admin/subscribers',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        security,
        summary: 'List and search subscribers, newest first',
        querystring: z.object({
          q: z.string().trim().min(1).max(254).optional().describe('Part of an address'),
          status: z.enum(subscriberStatuses).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.coerce.number().int().positive().optional().describe('nextBefore from the previous page'),
        }),
        response: { 200: z.object({ subscribers: z.array(subscriberOut), total: z.number(), nextBefore: z.number().nullable() }), ...adminErrorResponses },
      },
    },
    async (request) => {
      const { rows, total } = await searchSubscribers(db, request.query);
      const last = rows.at(-1);
      const show = addressView(request);
      const subscribers = rows.map(subscriberSummary).map((row) => ({ ...row, email: row.email && show(row.email) }));
      return { subscribers, total, nextBefore: rows.length === request.query.limit && last ? last.id : null };
    },
  );

  routes.get(
    '/api/admin/subscribers/:id/export',
    {
      config: { role: 'operator' },
      schema: {
        tags,
        security,
        summary: 'Everything stored about one subscriber (a data-subject access export)',
        params: idParams,
        response: { 200: z.record(z.string(), z.unknown()), 404: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const record = await exportSubscriber(db, request.params.id);
      if (!record) throw new ApiError(404, `No subscriber ${request.params.id}`);
      return reply.header('content-disposition', `attachment; filename="subscriber-${request.params.id}.json"`).send(record);
    },
  );

  routes.delete(
    '/api/admin/subscribers/:id',
    {
      config: { role: 'owner' },
      schema: {
        tags,
        security,
        summary: 'Erase a subscriber',
        description:
          'Removes the address, filters and consent note; the row stays (status erased) so delivery counts still add up, and every link ever mailed stops working. With ?suppress=true the address first goes on the suppression list so it cannot be signed up again. Erasing twice is harmless.',
        params: idParams,
        querystring: z.object({ suppress: z.enum(['true', 'false']).default('false') }),
        response: {
          200: z.object({ id: z.number(), status: z.literal('erased'), deliveries: z.number(), suppressed: z.boolean() }),
          404: errorResponse,
          ...adminErrorResponses,
        },
      },
    },
    async (request) => {
      const result = await eraseSubscriberData(db, request.params.id, { suppress: request.query.suppress === 'true', now: clockOf(deps)() });
      if (result.status === 'not-found') throw new ApiError(404, `No subscriber ${request.params.id}`);
      await audit(deps, request, { action: 'subscriber.erase', objectType: 'subscriber', objectId: request.params.id, detail: { suppressed: result.suppressed } });
      return { id: request.params.id, status: 'erased' as const, deliveries: result.deliveries, suppressed: result.suppressed };
    },
  );

  routes.post(
    '/api/admin/suppressions',
    {
      config: { role: 'operator' },
      schema: {
        tags,
        security,
        summary: 'Add an address to the suppression list',
        description: 'No digest or confirmation is ever mailed to a suppressed address; sign-ups for it still get the usual answer. 201 when added, 200 when it was already listed (reason and note are replaced).',
        body: z.object({ email: z.string().max(1000), reason: z.enum(suppressionReasons).default('manual'), note: z.string().trim().max(500).optional() }),
        response: { 200: suppressionOut, 201: suppressionOut, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const key = emailKey(request.body.email);
      const { suppression, created } = await suppressAddress(db, { emailKey: key, reason: request.body.reason, note: request.body.note ?? null });
      await audit(deps, request, { action: 'suppression.add', objectType: 'suppression', objectId: key, detail: { reason: request.body.reason, note: request.body.note ?? null } });
      return reply.code(created ? 201 : 200).send(suppressionView(suppression));
    },
  );

  routes.get(
    '/api/admin/suppressions',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        security,
        summary: 'The suppression list, by address',
        querystring: z.object({
          q: z.string().trim().min(1).max(254).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          after: z.string().max(254).optional().describe('nextAfter from the previous page'),
        }),
        response: { 200: z.object({ suppressions: z.array(suppressionOut), nextAfter: z.string().nullable() }), ...adminErrorResponses },
      },
    },
    async (request) => {
      const rows = await listSuppressions(db, request.query);
      const last = rows.at(-1);
      const show = addressView(request);
      return { suppressions: rows.map(suppressionView).map((row) => ({ ...row, email: show(row.email) })), nextAfter: rows.length === request.query.limit && last ? last.emailKey : null };
    },
  );

  routes.delete(
    '/api/admin/suppressions/:email',
    {
      config: { role: 'owner' },
      schema: {
        tags,
        security,
        summary: 'Take an address off the suppression list',
        params: z.object({ email: z.string().max(1000) }),
        response: { 204: z.null(), 404: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const key = emailKey(request.params.email);
      const removed = await liftSuppression(db, key);
      if (!removed) throw new ApiError(404, 'That address is not on the suppression list');
      await audit(deps, request, { action: 'suppression.lift', objectType: 'suppression', objectId: key });
      return reply.code(204).send(null);
    },
  );

  await app.register(async (scope) => subscriberImportRoute(scope, deps));
}
