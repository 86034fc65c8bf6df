import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { harvestWarningKinds, sourceKinds } from '../../../db/schema/index.js';
import { checkSource } from '../../../harvest/check.js';
import { startHarvests } from '../../../harvest/processors.js';
import {
  createSource,
  failingAfter,
  isFailing,
  findHarvest,
  findSource,
  latestHarvests,
  listHarvests,
  sourcesWithLatest,
  updateSource,
  type HarvestRow,
  type SourceRow,
} from '../../../harvest/repo.js';
import { normaliseBaseUrl } from '../../../harvest/site.js';
import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { audit, requireRole } from '../../plugins/roles.js';
import { adminErrorResponses, errorResponse } from '../../schemas.js';

const isoDay = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });

const siteUrl = z
  .string()
  .trim()
  .max(500)
  .transform((value, context) => {
    try {
      return normaliseBaseUrl(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be the http(s) URL of the ModernGov site, such as https://democracy.example.gov.uk' });
      return z.NEVER;
    }
  });

/** Who at the council gave permission despite robots.txt, and when, in an operator's words. */
export const permissionText = z.string().trim().min(3, 'say who gave permission and when').max(500);

const harvestOut = z.object({
  id: z.number(),
  sourceId: z.number(),
  council: z.string(),
  url: z.string(),
  status: z.enum(['queued', 'running', 'finished', 'failed']),
  trigger: z.string(),
  from: z.string(),
  to: z.string(),
  progress: z.object({ done: z.number(), total: z.number() }),
  counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), skipped: z.number() }),
  requests: z.number(),
  /** Agenda items read over every meeting: 0 with meetings read means the site's answers may have changed shape. */
  items: z.number(),
  errors: z.array(z.object({ meeting: z.string().optional(), message: z.string() })),
  /** What was read against what the site says it published; at most 100 listed, `warningCount` counts all. */
  warnings: z.array(z.object({ kind: z.enum(harvestWarningKinds), meeting: z.string().optional(), message: z.string() })),
  warningCount: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const sourceOut = z.object({
  id: z.number(),
  council: z.string(),
  councilSlug: z.string(),
  kind: z.enum(sourceKinds),
  url: z.string(),
  enabled: z.boolean(),
  lastHarvest: harvestOut.nullable(),
  lastHarvestAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  consecutiveFailures: z.number(),
  /** True after `failingAfter` failed harvests in a row, or while `healthNote` says why. */
  failing: z.boolean(),
  /** Why the source is failing, in words: meetings read with no agenda items, robots.txt disallowing us, or the site refusing us (403). */
  healthNote: z.string().nullable(),
  /** Seconds one request may take; null: HARVEST_TIMEOUT_SECONDS. */
  timeoutSeconds: z.number().nullable(),
  robots: z
    .object({ verdict: z.enum(['allowed', 'disallowed', 'missing', 'unreachable']), rule: z.string().optional(), status: z.number().optional(), checkedAt: z.string() })
    .nullable(),
  robotsPermission: z.string().nullable(),
  robotsPermissionAt: z.string().nullable(),
  lastCheck: z.record(z.string(), z.unknown()).nullable(),
});

function harvestView(row: HarvestRow) {
  return {
    id: row.id,
    sourceId: row.sourceId,
    council: row.council,
    url: row.url,
    status: row.status,
    trigger: row.trigger,
    from: row.from,
    to: row.to,
    progress: { done: row.done, total: row.total },
    counts: { created: row.created, updated: row.updated, unchanged: row.unchanged, skipped: row.skipped },
    requests: row.requests,
    items: row.items,
    errors: row.errors,
    warnings: row.warnings,
    warningCount: row.warningCount,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

function sourceView(row: SourceRow, latest: HarvestRow | undefined) {
  return {
    ...row,
    lastHarvest: latest ? harvestView(latest) : null,
    lastHarvestAt: row.lastHarvestAt?.toISOString() ?? null,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    robotsPermissionAt: row.robotsPermissionAt?.toISOString() ?? null,
    failing: isFailing(row),
  };
}

/** Operators manage the councils' sites and their harvests (src/harvest). */
export async function adminHarvestRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const security = [{ adminToken: [] }];
  routes.addHook('onRequest', requireRole(deps));

  routes.get(
    '/api/admin/sources',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: "The councils' sites harvests read, with their health",
        description: `Each source with its last harvest, when it last read something, and how many harvests in a row failed: \`failing\` after ${failingAfter}.`,
        response: { 200: z.object({ sources: z.array(sourceOut) }), ...adminErrorResponses },
      },
    },
    async () => {
      return { sources: (await sourcesWithLatest(db)).map((source) => sourceView(source, source.latest)) };
    },
  );

  routes.post(
    '/api/admin/sources',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: "Add a council's site",
        description: '`council` is a name or alias; a new name creates the council, as imports do. The URL may carry a sub-path (https://example.gov.uk/moderngov).',
        body: z.object({ council: z.string().trim().min(1).max(200), kind: z.enum(sourceKinds).default('moderngov'), url: siteUrl, enabled: z.boolean().default(true) }),
        response: { 201: sourceOut, 409: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const source = await createSource(db, request.body);
      request.log.info({ source: source.id, council: source.council, url: source.url }, 'source added');
      await audit(deps, request, { action: 'source.add', objectType: 'source', objectId: source.id, detail: { council: source.council, url: source.url } });
      return reply.code(201).send(sourceView(source, undefined));
    },
  );

  routes.patch(
    '/api/admin/sources/:id',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Change a source\'s URL, enable or disable it, set its timeout, or record the council\'s permission',
        description:
          '`timeoutSeconds` (5-300, null for HARVEST_TIMEOUT_SECONDS) is how long one request to the site may take. `robotsPermission` records who at the council allowed harvesting despite robots.txt, and when ("Jo Bloggs, Democratic Services, email of 3 March 2026"); null withdraws it. Both are audited.',
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z
          .object({
            url: siteUrl.optional(),
            enabled: z.boolean().optional(),
            timeoutSeconds: z.number().int().min(5, 'must be 5 to 300 seconds').max(300, 'must be 5 to 300 seconds').nullable().optional(),
            robotsPermission: permissionText.nullable().optional(),
          })
          .refine((change) => Object.values(change).some((value) => value !== undefined), 'give url, enabled, timeoutSeconds or robotsPermission'),
        response: { 200: sourceOut, 404: errorResponse, ...adminErrorResponses },
      },
    },
    async (request) => {
      const source = await updateSource(db, request.params.id, request.body);
      if (!source) throw new ApiError(404, `No source ${request.params.id}`);
      request.log.info({ source: source.id, change: request.body }, 'source changed');
      const { robotsPermission, ...edit } = request.body;
      if (Object.values(edit).some((value) => value !== undefined)) {
        await audit(deps, request, { action: 'source.edit', objectType: 'source', objectId: source.id, detail: edit });
      }
      if (robotsPermission !== undefined) {
        await audit(deps, request, { action: 'source.robots-permission', objectType: 'source', objectId: source.id, detail: { permission: robotsPermission } });
      }
      return sourceView(source, (await latestHarvests(db)).get(source.id));
    },
  );

  routes.post(
    '/api/admin/sources/:id/check',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Check a source now, as a harvest would read it',
        description:
          'Reads robots.txt afresh, then GetCommittees (timed), then the newest past meeting of the first committees that have one, counting its items and papers; stores nothing but the result, kept as the source\'s `lastCheck`. One try per request.',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: z.record(z.string(), z.unknown()), 404: errorResponse, ...adminErrorResponses },
      },
    },
    async (request) => {
      const source = await findSource(db, request.params.id);
      if (!source) throw new ApiError(404, `No source ${request.params.id}`);
      const check = await checkSource(deps.harvest, source);
      await audit(deps, request, { action: 'source.check', objectType: 'source', objectId: source.id, detail: { ok: check.ok, problem: check.problem } });
      return { ...check };
    },
  );

  routes.post(
    '/api/admin/harvests',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Harvest one source, or every enabled one',
        description:
          'Queues a harvest over a window of days (default 28 days back to 56 ahead, in DIGEST_TZ). A source whose harvest is already queued or running joins it. Naming a disabled source harvests it all the same.',
        body: z
          .object({ source: z.number().int().positive().optional(), from: isoDay.optional(), to: isoDay.optional() })
          .refine((body) => !body.from || !body.to || body.from <= body.to, { message: 'from must not be after to', path: ['from'] })
          .default({}),
        response: {
          202: z.union([harvestOut.extend({ joined: z.boolean() }), z.object({ harvests: z.array(harvestOut.extend({ joined: z.boolean() })) })]),
          404: errorResponse,
          ...adminErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { source, from, to } = request.body;
      if (source !== undefined && !(await findSource(db, source))) throw new ApiError(404, `No source ${source}`);
      const queued = await startHarvests(
        deps.harvest,
        { sourceIds: source === undefined ? undefined : [source], from, to, trigger: 'api' },
      );
      const views = await Promise.all(queued.map(async ({ id, joined }) => ({ ...harvestView((await findHarvest(db, id))!), joined })));
      request.log.info({ harvests: views.map((view) => view.id) }, 'harvests queued');
      await audit(deps, request, { action: 'harvest.start', objectType: 'harvest', objectId: views.map((view) => view.id).join(','), detail: { source: source ?? 'all', from, to } });
      return reply.code(202).send(source === undefined ? { harvests: views } : views[0]!);
    },
  );

  routes.get(
    '/api/admin/harvests',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Harvests, newest first',
        querystring: z.object({ source: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }),
        response: { 200: z.object({ harvests: z.array(harvestOut) }), ...adminErrorResponses },
      },
    },
    async (request) => ({ harvests: (await listHarvests(db, { sourceId: request.query.source, limit: request.query.limit })).map(harvestView) }),
  );

  routes.get(
    '/api/admin/harvests/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'One harvest: status, progress, counts and errors',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: harvestOut, 404: errorResponse, ...adminErrorResponses },
      },
    },
    async (request) => {
      const harvest = await findHarvest(db, request.params.id);
      if (!harvest) throw new ApiError(404, `No harvest ${request.params.id}`);
      return harvestView(harvest);
    },
  );
}
