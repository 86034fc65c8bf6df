import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { linkTokenParams } from '../schemas.js';
import { eq } from 'drizzle-orm';
import { partners } from '../../db/schema/index.js';
import { renderAtom } from '../partners/atom.js';
import { atomMeetings } from '../../feeds/items.js';
import { badLinkPage, confirmedPage, unsubscribedPage, unsubscribeFormPage } from './feed-pages.js';
import { confirmFeedRecipient, feedRecipientLinks, unsubscribeContext } from '../../feeds/recipients.js';
import { unsubscribeByToken } from '../../feeds/unsubscribe.js';
import { feedByAtomToken, feedFilters } from '../../feeds/repo.js';
import { atomTokenPattern } from '../../tokens/keys.js';
import { TokenError } from '../../tokens/signed-links.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';


function sendPage(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

/** Feed readers' secret Atom URLs and the pages behind the links in feed emails. */
export async function feedPublicRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const feedDeps = deps.feeds;
  const { db, secret, baseUrl } = feedDeps;

  // One-click unsubscribe (RFC 8058) posts a form body; it is not needed, only accepted.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));
  }

  /** A bad link's page: the token's own problem, or one that names nobody (never whose it was). */
  async function linkPage(reply: FastifyReply, work: () => Promise<string | undefined>) {
    try {
      const body = await work();
      return body ? sendPage(reply, 200, body) : sendPage(reply, 400, badLinkPage('This link is no longer valid.'));
    } catch (error) {
      if (error instanceof TokenError) return sendPage(reply, 400, badLinkPage(error.message));
      throw error;
    }
  }

  routes.get(
    '/feeds/:id/:token.atom',
    {
      // The URL is the secret: keep it out of request logs.
      logLevel: 'warn',
      schema: {
        tags: ['partners'],
        summary: "A feed's Atom document (secret URL for feed readers)",
        description: 'Answers 404 unless the feed is active and the token is its current one.',
        params: z.object({ id: z.string().max(100), token: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const { id, token } = request.params;
      const feed = atomTokenPattern.test(token) ? await feedByAtomToken(db, id, token) : undefined;
      if (!feed) throw new ApiError(404, 'No such feed');
      const now = feedDeps.now();
      const [[partner], entries] = await Promise.all([
        db.select({ name: partners.name }).from(partners).where(eq(partners.id, feed.partnerId)),
        atomMeetings(db, feedFilters(feed), now),
      ]);
      const atom = renderAtom({
        feed: { publicId: feed.publicId, name: feed.name, partnerName: partner!.name, createdAt: feed.createdAt },
        entries,
        baseUrl,
        selfUrl: `${baseUrl}/feeds/${feed.publicId}/${token}.atom`,
        zone: deps.config.DIGEST_TZ,
      });
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .header('x-robots-tag', 'noindex')
        .send(atom);
    },
  );

  routes.get(
    '/feeds/confirm/:token',
    { schema: { hide: true, params: linkTokenParams } },
    async (request, reply) =>
      linkPage(reply, async () => {
        const now = feedDeps.now();
        const result = await confirmFeedRecipient(db, secret, request.params.token, now);
        if (result.outcome === 'stale') return undefined;
        return confirmedPage(result.context, feedRecipientLinks(baseUrl, secret, result.context.recipient, now).unsubscribe);
      }),
  );

  routes.get(
    '/feeds/unsubscribe/:token',
    { schema: { hide: true, params: linkTokenParams } },
    async (request, reply) =>
      linkPage(reply, async () => {
        const context = await unsubscribeContext(db, secret, request.params.token);
        return context && unsubscribeFormPage(context, `/feeds/unsubscribe/${request.params.token}`);
      }),
  );

  routes.post(
    '/feeds/unsubscribe/:token',
    { schema: { hide: true, params: linkTokenParams } },
    async (request, reply) =>
      linkPage(reply, async () => {
        const { recipient } = await unsubscribeByToken(feedDeps, request.params.token, 'feed-unsubscribe');
        return recipient && unsubscribedPage(recipient, recipient.resubscribeUrl);
      }),
  );
}
