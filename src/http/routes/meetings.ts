import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { listCouncils, listTopics } from '../../meetings/catalogue.js';
import { decodeCursor, findMeetings, loadMeetingViews } from '../../meetings/queries.js';
import type { AppDeps } from '../app.js';
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

export const meetingOut = z.object({
  id: z.number(),
  council: z.object({ slug: z.string(), name: z.string() }),
  committee: z.object({ slug: z.string(), name: z.string() }),
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
      level: z.number(),
      blocks: z.array(blockOut),
      topics: z.array(z.string()),
      matched: z.boolean(),
    }),
  ),
  attendees: z.array(z.object({ name: z.string(), role: z.string().nullable(), party: z.string().nullable() })),
  documents: z.array(z.object({ title: z.string(), category: z.string(), url: z.string().nullable() })),
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
});

function toInstant(value: string | undefined, zone: string, endOfDay: boolean): Date | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone });
    if (!day.isValid) throw new ApiError(400, `${value} is not a real date`, [{ path: 'querystring', message: 'not a real date' }]);
    return (endOfDay ? day.plus({ days: 1 }) : day).toJSDate();
  }
  return new Date(value);
}

/** Slugs must name things that exist; a typo answers 422 with the valid choices. */
function assertKnown(kind: string, given: string[], valid: string[]) {
  const unknown = given.filter((slug) => !valid.includes(slug));
  if (unknown.length) {
    throw new ApiError(422, `Unknown ${kind}: ${unknown.join(', ')}. Valid ${kind}: ${valid.join(', ')}`, [
      { path: kind, message: `unknown: ${unknown.join(', ')}` },
    ]);
  }
}

export async function meetingRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  routes.get(
    '/api/councils',
    {
      schema: {
        tags: ['public'],
        summary: 'Councils and their committees',
        response: {
          200: z.object({
            councils: z.array(
              z.object({
                slug: z.string(),
                name: z.string(),
                aliases: z.array(z.string()),
                website: z.string().nullable(),
                committees: z.array(z.object({ slug: z.string(), name: z.string() })),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ councils: await listCouncils(db) }),
  );

  routes.get(
    '/api/topics',
    {
      schema: {
        tags: ['public'],
        summary: 'The topic taxonomy',
        response: {
          200: z.object({ topics: z.array(z.object({ slug: z.string(), name: z.string(), description: z.string() })) }),
        },
      },
    },
    async () => ({ topics: await listTopics(db) }),
  );

  routes.get(
    '/api/meetings',
    {
      schema: {
        tags: ['public'],
        summary: 'Meetings in a date range, filtered like a subscription',
        description:
          'Councils and committees narrow; topics and q widen each other: a meeting is listed when its summary or any section has a chosen topic or matches q. Sections carry `matched` when a topic or q was given.',
        querystring: meetingsQuery,
        response: { 200: z.object({ meetings: z.array(meetingOut), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      if (query.cursor && !decodeCursor(query.cursor)) {
        throw new ApiError(400, 'cursor is not one this API gave out', [{ path: 'querystring.cursor', message: 'invalid' }]);
      }
      const zone = deps.config.DIGEST_TZ;
      // The catalogue is read only to check slugs the query names: a plain date range costs one query.
      if (query.council.length || query.committee.length) {
        const councilList = await listCouncils(db);
        assertKnown('council', query.council, councilList.map((council) => council.slug));
        assertKnown(
          'committee',
          query.committee,
          councilList
            .filter((council) => !query.council.length || query.council.includes(council.slug))
            .flatMap((council) => council.committees.map((committee) => committee.slug)),
        );
      }
      if (query.topic.length) assertKnown('topic', query.topic, (await listTopics(db)).map((topic) => topic.slug));
      return findMeetings(
        db,
        {
          from: toInstant(query.from, zone, false),
          to: toInstant(query.to, zone, true),
          councils: query.council,
          committees: query.committee,
          topics: query.topic,
          keywords: query.q ? [query.q] : [],
        },
        { limit: query.limit, cursor: query.cursor },
      );
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
      return meeting;
    },
  );
}
