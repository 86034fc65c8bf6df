import { Negotiator } from '@fastify/accept-negotiator';
import fastifyEtag from '@fastify/etag';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { LRUCache } from 'lru-cache';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { publicCalendarUrl } from '../../calendar/links.js';
import { decodeCursor, findMeetings, loadMeetingViews, type MeetingFilter, type MeetingView } from '../../meetings/queries.js';
import { describeUnknown, unknownFilterValues } from '../../subscribers/filters.js';
import type { AppDeps } from '../deps.js';
import { checkWithCatalogue, type ApiCache, type CachedAnswer, type Catalogue } from '../caches.js';
import { ApiError } from '../errors.js';
import { errorResponses, listParam } from '../schemas.js';

const dayOrInstant = z
  .string()
  .trim()
  .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) || !Number.isNaN(Date.parse(value)), {
    message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time',
  })
  .optional();

const meetingsQuery = z.object({
  from: dayOrInstant.describe('Start of the range, inclusive: a date (midnight in DIGEST_TZ) or a date-time'),
  to: dayOrInstant.describe('End of the range: a date includes that whole day; a date-time is exclusive'),
  council: listParam.describe('Council slugs (repeat or comma-separate)'),
  committee: listParam.describe('Committee slugs'),
  topic: listParam.describe('Topic slugs: a meeting or section with any of them matches'),
  q: z.string().trim().max(200).optional().describe('Web-search words ("care leavers" -adoption); widens topics'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor from the previous page'),
});

const blockOut = z.union([
  z.object({ type: z.literal('paragraph'), text: z.string() }),
  z.object({ type: z.literal('list'), items: z.array(z.string()) }),
]);

const publishedOut = z.object({ publishedAt: z.string(), changedAt: z.string() }).nullable();

const calendarUrl = z.string().describe('Its meetings as an iCalendar feed (`/calendar/councils/….ics`); `webcal://` in place of `https://` subscribes in one click');

export const meetingOut = z.object({
  id: z.number(),
  council: z.object({ slug: z.string(), name: z.string(), calendarUrl }),
  committee: z.object({ slug: z.string(), name: z.string(), calendarUrl }),
  title: z.string(),
  kind: z.enum(['meeting', 'report']),
  status: z.enum(['scheduled', 'held', 'cancelled']),
  startsAt: z.string(),
  sources: z.object({ council: z.string().optional(), video: z.string().optional(), transcript: z.string().optional() }),
  summary: z.string(),
  topics: z.array(z.string()),
  matched: z.boolean(),
  sections: z.array(
    z.object({
      heading: z.string(),
      /** The item's number as the council shows it ("4."). */
      number: z.string().nullable(),
      level: z.number(),
      blocks: z.array(blockOut),
      /** The agenda's own text for the item. */
      agenda: z.array(blockOut),
      topics: z.array(z.string()),
      matched: z.boolean(),
    }),
  ),
  attendees: z.array(z.object({ name: z.string(), role: z.string().nullable(), party: z.string().nullable() })),
  /** `section`: the heading of the agenda item the paper belongs to, null for the meeting's own papers. */
  documents: z.array(z.object({ title: z.string(), category: z.string(), url: z.string().nullable(), section: z.string().nullable() })),
  decisions: z.array(
    z.object({
      reference: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decidedOn: z.string().nullable(),
      status: z.string(),
      title: z.string().nullable(),
      text: z.string(),
      section: z.string().nullable(),
    }),
  ),
  footnotes: z.array(z.object({ number: z.number(), text: z.string(), anchor: z.string().optional() })),
  published: z
    .object({ agenda: publishedOut, minutes: publishedOut, summary: publishedOut })
    .describe('When each part was first published (agenda; minutes and decisions; a summary page or record) and last changed substantially, as harvests and imports brought them; null: not yet'),
});

const meetingsOut = z.object({ meetings: z.array(meetingOut), nextCursor: z.string().nullable() });

const councilsOut = z.object({
  councils: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      aliases: z.array(z.string()),
      website: z.string().nullable(),
      calendarUrl,
      committees: z.array(z.object({ slug: z.string(), name: z.string(), calendarUrl })),
    }),
  ),
});

const topicsOut = z.object({ topics: z.array(z.object({ slug: z.string(), name: z.string(), description: z.string() })) });

/**
 * A meeting as the API answers it: its council and committee carry the
 * address of their public calendar feed. The partner API's items use it too.
 */
export function meetingWithCalendars<View extends Pick<MeetingView, 'council' | 'committee'>>(baseUrl: string, view: View) {
  return {
    ...view,
    council: { ...view.council, calendarUrl: publicCalendarUrl(baseUrl, view.council.slug) },
    committee: { ...view.committee, calendarUrl: publicCalendarUrl(baseUrl, view.council.slug, view.committee.slug) },
  };
}

/** The catalogue's councils with the addresses of their calendar feeds and their committees'. */
function councilsWithCalendars(baseUrl: string, councils: Catalogue['councils']) {
  return councils.map((council) => ({
    ...council,
    calendarUrl: publicCalendarUrl(baseUrl, council.slug),
    committees: council.committees.map((committee) => ({ ...committee, calendarUrl: publicCalendarUrl(baseUrl, council.slug, committee.slug) })),
  }));
}

/** The route's own response serialiser (checks against the schema, then JSON), applied once per cached answer. */
function serializerFor(schema: z.ZodType, url: string): (data: unknown) => string {
  return serializerCompiler({ schema, method: 'GET', url, httpStatus: '200' });
}

const serialiseMeetings = serializerFor(meetingsOut, '/api/meetings');
const serialiseCouncils = serializerFor(councilsOut, '/api/councils');
const serialiseTopics = serializerFor(topicsOut, '/api/topics');

function toInstant(value: string | undefined, zone: string, endOfDay: boolean): Date | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone });
    if (!day.isValid) throw new ApiError(400, `${value} is not a real date`, [{ path: 'querystring', message: 'not a real date' }]);
    return (endOfDay ? day.plus({ days: 1 }) : day).toJSDate();
  }
  return new Date(value);
}

/** The query parameter each filter field comes from. */
const parameterOf = { councils: 'council', committees: 'committee', topics: 'topic' } as const;

/** Slugs must name things that exist (the rule sign-ups and feeds follow); a typo answers 422 with the valid choices. */
function checkSlugs(query: { council: string[]; committee: string[]; topic: string[] }, catalogue: Catalogue) {
  const [first] = unknownFilterValues({ councils: query.council, committees: query.committee, topics: query.topic, keywords: [] }, catalogue);
  if (!first) return { ok: true as const };
  const parameter = parameterOf[first.field];
  const error = new ApiError(422, describeUnknown(first, parameter), [{ path: parameter, message: `unknown: ${first.unknown.join(', ')}` }]);
  return { ok: false as const, status: 422, error };
}

type MeetingsQuery = z.output<typeof meetingsQuery>;

/**
 * One key for every request that asks for the same page: list order and
 * repeats do not matter. Dates stay as given (turning them into instants
 * costs more than the rest of a cached answer), so two spellings of one
 * day are two keys with the same answer.
 */
function answerKey(query: MeetingsQuery): string {
  const set = (values: string[]) => [...new Set(values)].sort();
  return JSON.stringify([
    query.from ?? null,
    query.to ?? null,
    set(query.council),
    set(query.committee),
    set(query.topic),
    query.q ?? null,
    query.limit,
    query.cursor ?? null,
  ]);
}

/** Accept-Encoding headers come in a handful of spellings: each is parsed once. */
const encodings = new Negotiator({ supportedValues: ['gzip'], cache: new LRUCache<string, string>({ max: 100 }) });

/**
 * A cached answer as it was serialised, gzipped for clients that accept it,
 * with the ETag of the bytes sent (a request that sends it back gets 304
 * from @fastify/etag). `no-cache`: clients and proxies may keep it but ask
 * each time, so nobody sees a listing older than the server's own cache.
 */
function sendAnswer(request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer) {
  const gzipped = answer.gzip && encodings.negotiate(request.headers['accept-encoding'] ?? '') === 'gzip' ? answer.gzip : null;
  if (gzipped) reply.header('content-encoding', 'gzip');
  const chosen = gzipped ?? answer;
  return reply
    .header('etag', chosen.etag)
    .header('vary', 'accept-encoding')
    .header('cache-control', 'public, no-cache')
    .type('application/json; charset=utf-8')
    .send(chosen.body);
}

/**
 * The public reading routes. Answers are cached (see caches.ts) and carry
 * ETags, so a repeated request costs neither Postgres nor serialising.
 */
export async function meetingRoutes(app: FastifyInstance, deps: AppDeps, cache: ApiCache) {
  await app.register(fastifyEtag);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const baseUrl = deps.config.PUBLIC_BASE_URL;

  routes.get(
    '/api/councils',
    {
      schema: {
        tags: ['public'],
        summary: 'Councils and their committees',
        description: 'Each with `calendarUrl`, its meetings as an iCalendar feed.',
        response: { 200: councilsOut },
      },
    },
    async (request, reply) =>
      sendAnswer(request, reply, await cache.answer('councils', async () => serialiseCouncils({ councils: councilsWithCalendars(baseUrl, (await cache.catalogue()).councils) }))),
  );

  routes.get(
    '/api/topics',
    {
      schema: {
        tags: ['public'],
        summary: 'The topic taxonomy',
        response: { 200: topicsOut },
      },
    },
    async (request, reply) =>
      sendAnswer(request, reply, await cache.answer('topics', async () => serialiseTopics({ topics: (await cache.catalogue()).topics }))),
  );

  routes.get(
    '/api/meetings',
    {
      schema: {
        tags: ['public'],
        summary: 'Meetings in a date range, filtered like a subscription',
        description:
          'Councils and committees narrow; topics and q widen each other: a meeting is listed when its summary or any section has a chosen topic or matches q. Sections carry `matched` when a topic or q was given. Each meeting\'s council and committee carry `calendarUrl`, their meetings as an iCalendar feed.',
        querystring: meetingsQuery,
        response: { 200: meetingsOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const query = request.query;
      if (query.cursor && !decodeCursor(query.cursor)) {
        throw new ApiError(400, 'cursor is not one this API gave out', [{ path: 'querystring.cursor', message: 'invalid' }]);
      }
      const zone = deps.config.DIGEST_TZ;
      // The catalogue is checked only for slugs the query names: a plain date range goes straight to the answer.
      if (query.council.length || query.committee.length || query.topic.length) {
        const { result } = await checkWithCatalogue(cache, (catalogue) => checkSlugs(query, catalogue));
        if (!result.ok) throw result.error;
      }
      const answer = await cache.answer(`meetings:${answerKey(query)}`, async () => {
        const filter: MeetingFilter = {
          from: toInstant(query.from, zone, false),
          to: toInstant(query.to, zone, true),
          councils: query.council,
          committees: query.committee,
          topics: query.topic,
          keywords: query.q ? [query.q] : [],
        };
        const page = await findMeetings(db, filter, { limit: query.limit, cursor: query.cursor });
        return serialiseMeetings({ ...page, meetings: page.meetings.map((view) => meetingWithCalendars(baseUrl, view)) });
      });
      return sendAnswer(request, reply, answer);
    },
  );

  routes.get(
    '/api/meetings/:id',
    {
      schema: {
        tags: ['public'],
        summary: 'One meeting',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: meetingOut, 404: errorResponses[400] },
      },
    },
    async (request) => {
      const [view] = await loadMeetingViews(db, [request.params.id]);
      if (!view) throw new ApiError(404, `No meeting ${request.params.id}`);
      const { sectionIds: _ids, ...meeting } = view;
      return meetingWithCalendars(baseUrl, meeting);
    },
  );
}
