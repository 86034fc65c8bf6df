import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listTopicsWithRules, saveTopic } from '../../../meetings/catalogue.js';
import { importRecords, recordsFromJson, recordsFromText } from '../../../meetings/import.js';
import { queueAlertPassAfterImport } from '../../../alerts/pass.js';
import { retagAll } from '../../../meetings/topics/service.js';
import type { AppDeps } from '../../deps.js';
import type { ApiCache } from '../../caches.js';
import { ApiError } from '../../errors.js';
import { audit, requireRole } from '../../plugins/roles.js';
import { adminErrorResponses } from '../../schemas.js';

const importOutcome = z.object({
  id: z.number(),
  action: z.enum(['created', 'updated', 'unchanged']),
  council: z.string(),
  committee: z.string(),
  startsAt: z.string(),
  title: z.string(),
  sections: z.number(),
  topics: z.array(z.string()),
});

const topicOut = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  threshold: z.number(),
  updatedAt: z.string(),
  rules: z.array(z.object({ term: z.string(), weight: z.number() })),
});

const topicBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).optional(),
  threshold: z.number().positive().max(100).optional(),
  rules: z
    .array(z.object({ term: z.string().trim().min(1).max(100), weight: z.number().min(-100).max(100) }))
    .max(500)
    .refine((rules) => new Set(rules.map((rule) => rule.term.toLowerCase())).size === rules.length, 'terms must be unique')
    .optional(),
});

/** Pages and records are small; a whole year of them in one JSON array is not. */
const importBodyLimit = 5 * 1024 * 1024;

/** Operators' writes to meetings and topics; each drops this process's cached answers at once. */
export async function adminMeetingRoutes(app: FastifyInstance, deps: AppDeps, cache: ApiCache) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const security = [{ adminToken: [] }];
  routes.addHook('onRequest', requireRole(deps));

  routes.post(
    '/api/admin/meetings',
    {
      config: { role: 'operator' },
      bodyLimit: importBodyLimit,
      schema: {
        tags: ['operators'],
        security,
        summary: 'Import meetings',
        description:
          'application/json: one meeting in the canonical format, or an array of them. text/plain: the text of a meeting summary page or an executive-member report (format detected; force it with ?format=). Everything is validated before anything is written; each meeting is stored in its own transaction. Re-importing a meeting updates it.',
        querystring: z.object({
          format: z.enum(['json', 'page', 'report']).optional(),
          council: z.string().trim().min(1).max(200).optional().describe('Council name for page text that does not give one'),
        }),
        response: { 200: z.object({ imported: z.array(importOutcome) }), 201: z.object({ imported: z.array(importOutcome) }), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const body: unknown = request.body;
      let records: unknown[];
      if (typeof body === 'string') {
        if (!body.trim()) throw new ApiError(400, 'The request body is empty: send page text or JSON');
        records = recordsFromText(body, request.query);
      } else if (body !== undefined && body !== null) {
        records = recordsFromJson(body);
      } else {
        throw new ApiError(400, 'The request body is empty: send a meeting as JSON, or page text as text/plain');
      }
      // Each meeting is its own transaction: even a batch that fails part-way may have written some.
      const imported = await importRecords(db, records).finally(() => cache.invalidate());
      await queueAlertPassAfterImport(deps.alerts, imported);
      request.log.info(
        { imported: imported.map(({ id, action, committee, startsAt }) => ({ id, action, committee, startsAt })) },
        'meetings imported',
      );
      await audit(deps, request, {
        action: 'meetings.import',
        objectType: 'meetings',
        objectId: imported.map((outcome) => outcome.id).join(','),
        detail: { created: imported.filter((outcome) => outcome.action === 'created').length, updated: imported.filter((outcome) => outcome.action === 'updated').length, unchanged: imported.filter((outcome) => outcome.action === 'unchanged').length },
      });
      return reply.code(imported.some((outcome) => outcome.action === 'created') ? 201 : 200).send({ imported });
    },
  );

  routes.get(
    '/api/admin/topics',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Topics with their weighted keyword rules',
        response: { 200: z.object({ topics: z.array(topicOut) }), ...adminErrorResponses },
      },
    },
    async () => ({ topics: await listTopicsWithRules(db) }),
  );

  routes.put(
    '/api/admin/topics/:slug',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Create or edit a topic and its rules',
        description:
          'Rules, when given, replace the topic\'s rules whole. Term syntax: case-insensitive words or phrases on word boundaries; a trailing * matches a prefix; apostrophes are optional. Stored meetings keep their old tags until POST /api/admin/topics/retag (or `council-digest retag`).',
        params: z.object({ slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lowercase slug such as care-leavers').max(60) }),
        body: topicBody,
        response: { 200: topicOut, 201: topicOut, ...adminErrorResponses, 404: adminErrorResponses[400] },
      },
    },
    async (request, reply) => {
      const existing = (await listTopicsWithRules(db)).some((topic) => topic.slug === request.params.slug);
      if (!existing && !request.body.name) {
        throw new ApiError(422, 'A new topic needs a name', [{ path: 'body.name', message: 'required for a new topic' }]);
      }
      await saveTopic(db, request.params.slug, request.body, true);
      cache.invalidate();
      await audit(deps, request, { action: existing ? 'topic.edit' : 'topic.create', objectType: 'topic', objectId: request.params.slug, detail: { ...request.body } });
      const saved = (await listTopicsWithRules(db)).find((topic) => topic.slug === request.params.slug)!;
      return reply.code(existing ? 200 : 201).send(saved);
    },
  );

  routes.post(
    '/api/admin/topics/retag',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Re-apply the current topic rules to every stored meeting',
        response: {
          200: z.object({ meetings: z.number(), sections: z.number(), tags: z.number() }),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => {
      const totals = await retagAll(db).finally(() => cache.invalidate());
      request.log.info(totals, 'meetings retagged');
      await audit(deps, request, { action: 'topics.retag', objectType: 'topics', detail: { ...totals } });
      return totals;
    },
  );
}
