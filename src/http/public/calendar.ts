import fastifyEtag from '@fastify/etag';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CalendarError, councilFeed, subscriberFeed, type CalendarFeed } from '../../calendar/feeds.js';
import { writeCalendar } from '../../calendar/ics.js';
import { clockOf, type AppDeps } from '../deps.js';

/** A path segment ending `.ics`: what is before it, or a 404 (the routes answer nothing else). */
const icsName = z.string().max(4096);

function withoutIcs(segment: string, what: string): string {
  if (!segment.endsWith('.ics') || segment.length <= 4) throw new CalendarError('not_found', `No ${what} here: calendar URLs end in .ics.`);
  return segment.slice(0, -4);
}

/**
 * iCalendar feeds (RFC 5545) for calendar apps: every council's and
 * committee's meetings, and each subscriber's own by a signed link. The
 * ETag is of the bytes (@fastify/etag answers If-None-Match with 304);
 * calendar apps poll on their own schedule, so an hour's keeping is plenty.
 */
export async function calendarRoutes(app: FastifyInstance, deps: AppDeps) {
  await app.register(fastifyEtag);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const now = clockOf(deps);
  const options = { host: new URL(deps.config.PUBLIC_BASE_URL).host, zone: 'Europe/London' };
  const send = (reply: FastifyReply, feed: CalendarFeed, cache: string) =>
    reply
      .header('cache-control', cache)
      .type('text/calendar; charset=utf-8')
      .send(writeCalendar(feed.meetings, { ...options, name: feed.name }));
  const publicCache = 'public, max-age=3600';
  const description = 'Meetings from 2 weeks back to 12 weeks ahead, as iCalendar (text/calendar).';

  routes.get(
    '/calendar/councils/:council',
    { schema: { tags: ['public'], summary: "A council's meetings as a calendar (`/calendar/councils/:council.ics`)", description, params: z.object({ council: icsName }) } },
    async (request, reply) => send(reply, await councilFeed(db, { council: withoutIcs(request.params.council, 'council') }, now()), publicCache),
  );

  routes.get(
    '/calendar/councils/:council/:committee',
    {
      schema: {
        tags: ['public'],
        summary: "A committee's meetings as a calendar (`/calendar/councils/:council/:committee.ics`)",
        description,
        params: z.object({ council: z.string().max(200), committee: icsName }),
      },
    },
    async (request, reply) => {
      const slugs = { council: request.params.council, committee: withoutIcs(request.params.committee, 'committee') };
      return send(reply, await councilFeed(db, slugs, now()), publicCache);
    },
  );

  routes.get(
    '/calendar/:token',
    { schema: { hide: true, params: z.object({ token: icsName }) } },
    async (request, reply) => {
      const feed = await subscriberFeed({ db, secret: deps.tokenSecret, now: now() }, withoutIcs(request.params.token, 'calendar'));
      return send(reply, feed, 'private, max-age=3600');
    },
  );
}
