import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subscriberStatuses } from '../../../db/schema/index.js';
import { loadCatalogue } from '../../../meetings/catalogue.js';
import { emailKey } from '../../../subscribers/email.js';
import { describeFilters } from '../../../subscribers/filters.js';
import { liftSuppression, listSuppressions, searchSubscribers, subscriberRecord, suppressAddress } from '../../../subscribers/operator-repo.js';
import { eraseSubscriberData, exportSubscriber } from '../../../subscribers/admin.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { pageContext } from './context.js';
import { eraseConfirmPage, erasedPage, subscriberPage, subscribersPage, suppressionsPage } from './subscribers-page.js';
import { sendPage } from '../../html/support.js';
import { addressView, audit } from '../../plugins/roles.js';

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const pageSize = 50;

/** Subscribers: search, detail, export, erasure with a confirmation, and the suppression list. */
export async function consoleSubscriberRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const zone = deps.config.DIGEST_TZ;
  const now = clockOf(deps);

  routes.get(
    '/admin/subscribers',
    {
      schema: {
        hide: true,
        querystring: z.object({
          q: z.string().trim().max(254).optional(),
          status: z.union([z.enum(subscriberStatuses), z.literal('')]).optional(),
          before: z.coerce.number().int().positive().optional(),
        }),
      },
      config: { role: 'viewer', consolePage: true },
    },
    async (request, reply) => {
      const { q, status, before } = request.query;
      const { rows, total } = await searchSubscribers(db, { q: q || undefined, status: status || undefined, limit: pageSize, before });
      const show = addressView(request);
      const shown = rows.map((row) => ({ id: row.id, email: row.email && show(row.email), status: row.status, createdAt: row.createdAt }));
      const nextBefore = rows.length === pageSize ? rows.at(-1)!.id : null;
      return sendPage(reply, 200, subscribersPage(pageContext(request, reply), { rows: shown, total, q: q ?? '', status: status ?? '', nextBefore, zone }));
    },
  );

  routes.get(
    '/admin/subscribers/suppressions',
    { schema: { hide: true, querystring: z.object({ q: z.string().trim().max(254).optional() }) }, config: { role: 'viewer', consolePage: true } },
    async (request, reply) => {
      const show = addressView(request);
      const rows = (await listSuppressions(db, { q: request.query.q || undefined, limit: 200 })).map((row) => ({ ...row, email: show(row.emailKey) }));
      return sendPage(reply, 200, suppressionsPage(pageContext(request, reply), { rows, q: request.query.q ?? '', zone }));
    },
  );

  routes.post(
    '/admin/subscribers/suppressions',
    { schema: { hide: true, body: z.object({ email: z.string().max(1000), note: z.string().trim().max(500).optional() }).passthrough() }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => {
      const key = emailKey(request.body.email);
      await suppressAddress(db, { emailKey: key, reason: 'manual', note: request.body.note || null });
      await audit(deps, request, { action: 'suppression.add', objectType: 'suppression', objectId: key, detail: { reason: 'manual', note: request.body.note || null } });
      const rows = (await listSuppressions(db, { limit: 200 })).map((row) => ({ ...row, email: row.emailKey }));
      return sendPage(reply, 200, suppressionsPage(pageContext(request, reply), { rows, q: '', notice: `${key} is suppressed.`, zone }));
    },
  );

  routes.post(
    '/admin/subscribers/suppressions/lift',
    { schema: { hide: true, body: z.object({ email: z.string().max(1000) }).passthrough() }, config: { role: 'owner', consolePage: true } },
    async (request, reply) => {
      const key = emailKey(request.body.email);
      if (!(await liftSuppression(db, key))) throw new ApiError(404, 'That address is not on the suppression list');
      await audit(deps, request, { action: 'suppression.lift', objectType: 'suppression', objectId: key });
      const rows = (await listSuppressions(db, { limit: 200 })).map((row) => ({ ...row, email: row.emailKey }));
      return sendPage(reply, 200, suppressionsPage(pageContext(request, reply), { rows, q: '', notice: `${key} may be mailed again.`, zone }));
    },
  );

  routes.get('/admin/subscribers/:id', { schema: { hide: true, params: idParams }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const record = await subscriberRecord(db, request.params.id);
    if (!record) throw new ApiError(404, `No subscriber ${request.params.id}`);
    const { subscriber } = record;
    const show = addressView(request);
    return sendPage(
      reply,
      200,
      subscriberPage(
        pageContext(request, reply),
        {
          id: subscriber.id,
          email: subscriber.email && show(subscriber.email),
          status: subscriber.status,
          choices: describeFilters(subscriber, await loadCatalogue(db)),
          consentSource: subscriber.consentSource,
          createdAt: subscriber.createdAt,
          confirmedAt: subscriber.confirmedAt,
          hardBounces: subscriber.hardBounces,
          suppressed: record.suppression ? `${record.suppression.reason}${record.suppression.note ? `: ${record.suppression.note}` : ''}` : null,
          deliveries: record.deliveries.reverse().map((delivery) => ({ ...delivery, week: String(delivery.week) })),
        },
        zone,
      ),
    );
  });

  routes.get('/admin/subscribers/:id/export', { schema: { hide: true, params: idParams }, config: { role: 'operator', consolePage: true } }, async (request, reply) => {
    const record = await exportSubscriber(db, request.params.id);
    if (!record) throw new ApiError(404, `No subscriber ${request.params.id}`);
    await audit(deps, request, { action: 'subscriber.export', objectType: 'subscriber', objectId: request.params.id });
    return reply
      .header('content-disposition', `attachment; filename="subscriber-${request.params.id}.json"`)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(record, null, 2));
  });

  routes.get('/admin/subscribers/:id/erase', { schema: { hide: true, params: idParams }, config: { role: 'owner', consolePage: true } }, async (request, reply) => {
    const record = await subscriberRecord(db, request.params.id);
    if (!record) throw new ApiError(404, `No subscriber ${request.params.id}`);
    return sendPage(reply, 200, eraseConfirmPage(pageContext(request, reply), { id: record.subscriber.id, email: record.subscriber.email, deliveries: record.deliveries.length }));
  });

  routes.post(
    '/admin/subscribers/:id/erase',
    { schema: { hide: true, params: idParams, body: z.object({ suppress: z.literal('1').optional() }).passthrough() }, config: { role: 'owner', consolePage: true } },
    async (request, reply) => {
      const result = await eraseSubscriberData(db, request.params.id, { suppress: request.body.suppress === '1', now: now() });
      if (result.status === 'not-found') throw new ApiError(404, `No subscriber ${request.params.id}`);
      await audit(deps, request, { action: 'subscriber.erase', objectType: 'subscriber', objectId: request.params.id, detail: { suppressed: result.suppressed } });
      return sendPage(reply, 200, erasedPage(pageContext(request, reply), request.params.id, result.suppressed));
    },
  );
}
