import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { feedRecipientStatuses, feedStatuses } from '../../db/schema/index.js';
import { feedItems, previewDays } from '../../feeds/items.js';
import { feedFilters, partnerFeed, partnerFeeds, recipientsOf, replaceAtomTokenHash } from '../../feeds/repo.js';
import { feedRequestSchema, feedView, requestFeed } from '../../feeds/requests.js';
import { generateAtomToken } from '../../tokens/keys.js';
import { decodeCursor } from '../../meetings/queries.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { partnerOf, requirePartner } from '../plugins/partner-auth.js';
import { errorResponse, errorResponses } from '../schemas.js';
import { meetingOut, meetingWithCalendars } from '../public/meetings.js';

export const feedOut = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(feedStatuses),
  filters: z.object({ councils: z.array(z.string()), committees: z.array(z.string()), topics: z.array(z.string()), keywords: z.array(z.string()) }),
  recipients: z.array(z.object({ email: z.string(), status: z.enum(feedRecipientStatuses) })),
  decisionNote: z.string().nullable(),
  decidedAt: z.string().nullable(),
  atomTokenCreatedAt: z.string(),
  createdAt: z.string(),
});

export const partnerErrorResponses = { ...errorResponses, 401: errorResponse, 404: errorResponse, 409: errorResponse, 429: errorResponse } as const;

const feedParams = z.object({ id: z.string().max(100).describe('The feed id (a UUID)') });

const previewOut = z.object({
  from: z.string(),
  to: z.string(),
  meetings: z.number(),
  sections: z.number(),
  examples: z.array(
    z.object({ id: z.number(), title: z.string(), council: z.string(), committee: z.string(), startsAt: z.string(), sections: z.array(z.string()) }),
  ),
});

const itemsQuery = z.object({
  since: z
    .string()
    .trim()
    .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) || !Number.isNaN(Date.parse(value)), 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time')
    .optional()
    .describe(`Meetings starting at or after this (a date is midnight in DIGEST_TZ); default ${previewDays} days ago`),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor from the previous page'),
});

function atomUrl(baseUrl: string, feedId: string, token: string) {
  return `${baseUrl}/feeds/${feedId}/${token}.atom`;
}

function sinceDate(value: string | undefined, zone: string, now: Date): Date {
  if (!value) return new Date(now.getTime() - previewDays * 86_400_000);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(value);
  const day = DateTime.fromISO(value, { zone });
  if (!day.isValid) throw new ApiError(400, `${value} is not a real date`, [{ path: 'querystring.since', message: 'not a real date' }]);
  return day.toJSDate();
}

export async function partnerFeedRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const feedDeps = deps.feeds;
  const { db } = feedDeps;
  const security = [{ partnerKey: [] }];
  // On request, before the body is read: a caller without a key learns nothing, not even what the body should be.
  routes.addHook('onRequest', requirePartner(db, feedDeps.now));
  // Then counted per partner, whichever of its keys it uses. In-memory: behind several API processes each counts its own share.
  await app.register(fastifyRateLimit, { global: false });
  routes.addHook(
    'onRequest',
    app.rateLimit({
      max: deps.config.PARTNER_RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (request) => `partner-${partnerOf(request).partnerId}`,
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, `Too many requests for this partner (${context.max} a minute): try again in ${context.after}.`),
    }) as onRequestHookHandler,
  );

  routes.post(
    '/api/partner/feeds',
    {
      schema: {
        tags: ['partners'],
        security,
        summary: 'Ask for a feed',
        description: `The feed starts as \`requested\`; nobody is mailed until an operator approves it. The answer previews what the filters would have matched over the last ${previewDays} days, and gives the secret Atom URL once (it answers once the feed is approved; rotate it with POST /api/partner/feeds/{id}/atom-token). Unknown councils, committees or topics answer 422 with the valid ones.`,
        body: feedRequestSchema(feedDeps.limits.recipientsPerFeed),
        response: { 201: z.object({ feed: feedOut, preview: previewOut, atomUrl: z.string() }), ...partnerErrorResponses },
      },
    },
    async (request, reply) => {
      const partner = partnerOf(request);
      const created = await requestFeed(feedDeps, partner.partnerId, request.body);
      request.log.info({ partner: partner.partnerId, feed: created.feed.id }, 'feed requested');
      return reply.code(201).send({
        feed: created.feed,
        preview: { ...created.preview, from: created.preview.from.toISOString(), to: created.preview.to.toISOString() },
        atomUrl: atomUrl(feedDeps.baseUrl, created.feed.id, created.atomToken),
      });
    },
  );

  routes.get(
    '/api/partner/feeds',
    {
      schema: {
        tags: ['partners'],
        security,
        summary: "This partner's feeds",
        response: { 200: z.object({ feeds: z.array(feedOut) }), ...partnerErrorResponses },
      },
    },
    async (request) => {
      const feeds = await partnerFeeds(db, partnerOf(request).partnerId);
      const recipients = await recipientsOf(db, feeds.map((feed) => feed.id));
      return { feeds: feeds.map((feed) => feedView(feed, recipients.get(feed.id)!)) };
    },
  );

  routes.get(
    '/api/partner/feeds/:id',
    {
      schema: { tags: ['partners'], security, summary: 'One feed', params: feedParams, response: { 200: feedOut, ...partnerErrorResponses } },
    },
    async (request) => {
      const feed = await partnerFeed(db, partnerOf(request).partnerId, request.params.id);
      return feedView(feed, (await recipientsOf(db, [feed.id])).get(feed.id)!);
    },
  );

  routes.get(
    '/api/partner/feeds/:id/items',
    {
      schema: {
        tags: ['partners'],
        security,
        summary: "The meetings a feed's filters match",
        description:
          'Oldest first, a page at a time. Each meeting comes whole, with every section flagged `matched` when the feed has topics or keywords: the matched ones are what the feed is about.',
        params: feedParams,
        querystring: itemsQuery,
        response: {
          200: z.object({ feed: z.object({ id: z.string(), name: z.string() }), since: z.string(), meetings: z.array(meetingOut), nextCursor: z.string().nullable() }),
          ...partnerErrorResponses,
        },
      },
    },
    async (request) => {
      const feed = await partnerFeed(db, partnerOf(request).partnerId, request.params.id);
      const { cursor, limit } = request.query;
      if (cursor && !decodeCursor(cursor)) {
        throw new ApiError(400, 'cursor is not one this API gave out', [{ path: 'querystring.cursor', message: 'invalid' }]);
      }
      const since = sinceDate(request.query.since, deps.config.DIGEST_TZ, feedDeps.now());
      const page = await feedItems(db, feedFilters(feed), since, { limit, ...(cursor ? { cursor } : {}) });
      const meetings = page.meetings.map((meeting) => meetingWithCalendars(deps.config.PUBLIC_BASE_URL, meeting));
      return { feed: { id: feed.publicId, name: feed.name }, since: since.toISOString(), ...page, meetings };
    },
  );

  routes.post(
    '/api/partner/feeds/:id/atom-token',
    {
      schema: {
        tags: ['partners'],
        security,
        summary: 'Replace the secret in the Atom URL',
        description: 'Answers the new URL once; the old one answers 404 from now on.',
        params: feedParams,
        response: { 201: z.object({ atomUrl: z.string(), atomTokenCreatedAt: z.string() }), ...partnerErrorResponses },
      },
    },
    async (request, reply) => {
      const partner = partnerOf(request);
      const fresh = generateAtomToken();
      const feed = await replaceAtomTokenHash(db, partner.partnerId, request.params.id, fresh.hash, feedDeps.now());
      request.log.info({ partner: partner.partnerId, feed: feed.publicId }, 'atom token rotated');
      return reply
        .code(201)
        .send({ atomUrl: atomUrl(feedDeps.baseUrl, feed.publicId, fresh.token), atomTokenCreatedAt: feed.atomTokenCreatedAt.toISOString() });
    },
  );
}
