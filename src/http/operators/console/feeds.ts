import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { feedStatuses } from '../../../db/schema/index.js';
import { previewFeed } from '../../../feeds/items.js';
import { feedFilters, feedRequests, recipientsOf } from '../../../feeds/repo.js';
import { approveFeedRequest, rejectFeedRequest } from '../../../feeds/requests.js';
import { loadCatalogue } from '../../../meetings/catalogue.js';
import { describeFilters } from '../../../subscribers/filters.js';
import type { AppDeps } from '../../deps.js';
import { pageContext } from './context.js';
import { feedsPage, type FeedCard } from './feeds-page.js';
import { sendPage } from '../../html/support.js';
import { addressView, audit } from '../../plugins/roles.js';

const statusQuery = z.object({ status: z.enum([...feedStatuses, 'all']).default('requested') });
const feedParams = z.object({ id: z.string().max(100) });
const note = z.string().trim().max(2000);

/** Partners' feed requests with what they would match; operators approve or reject them with a note. */
export async function consoleFeedRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const feedDeps = deps.feeds;
  const { db } = feedDeps;
  const zone = deps.config.DIGEST_TZ;

  const cards = async (status: z.output<typeof statusQuery>['status'], show: (address: string) => string): Promise<FeedCard[]> => {
    const rows = await feedRequests(db, status === 'all' ? undefined : status);
    const [recipients, catalogue] = await Promise.all([recipientsOf(db, rows.map((row) => row.feed.id)), loadCatalogue(db)]);
    return Promise.all(
      rows.map(async ({ feed, partner }) => ({
        id: feed.publicId,
        name: feed.name,
        status: feed.status,
        partner: partner.name,
        createdAt: feed.createdAt,
        decidedAt: feed.decidedAt,
        decisionNote: feed.decisionNote,
        choices: describeFilters(feedFilters(feed), catalogue),
        recipients: (recipients.get(feed.id) ?? []).map((recipient) => ({ email: show(recipient.email), status: recipient.status })),
        // Only waiting requests are previewed: the operator deciding needs it, the rest would only cost.
        preview: feed.status === 'requested' ? await previewFeed(db, feedFilters(feed), feedDeps.now()) : null,
      })),
    );
  };

  routes.get('/admin/feeds', { schema: { hide: true, querystring: statusQuery }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const feeds = await cards(request.query.status, addressView(request));
    return sendPage(reply, 200, feedsPage(pageContext(request, reply), { feeds, status: request.query.status, zone }));
  });

  routes.post(
    '/admin/feeds/:id/approve',
    { schema: { hide: true, params: feedParams, body: z.object({ note: note.optional() }).passthrough() }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => {
      const decided = await approveFeedRequest(feedDeps, request.params.id, request.body.note || null);
      await audit(deps, request, { action: 'feed.approve', objectType: 'feed', objectId: request.params.id, detail: { name: decided.feed.name, note: request.body.note || null } });
      const feeds = await cards('requested', addressView(request));
      const { queued } = decided.confirmations;
      const notice = `"${decided.feed.name}" is approved: ${queued} ${queued === 1 ? 'recipient is' : 'recipients are'} being asked to confirm.`;
      return sendPage(reply, 200, feedsPage(pageContext(request, reply), { feeds, status: 'requested', notice, zone }));
    },
  );

  routes.post(
    '/admin/feeds/:id/reject',
    { schema: { hide: true, params: feedParams, body: z.object({ note: note.min(1, 'say why') }).passthrough() }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => {
      const decided = await rejectFeedRequest(feedDeps, request.params.id, request.body.note);
      await audit(deps, request, { action: 'feed.reject', objectType: 'feed', objectId: request.params.id, detail: { name: decided.feed.name, note: request.body.note } });
      const feeds = await cards('requested', addressView(request));
      return sendPage(reply, 200, feedsPage(pageContext(request, reply), { feeds, status: 'requested', notice: `"${decided.feed.name}" is rejected; the partner has your note.`, zone }));
    },
  );
}
