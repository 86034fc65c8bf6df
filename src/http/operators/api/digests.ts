import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runStatuses } from '../../../db/schema/index.js';
import type { DigestDeps } from '../../../digests/deps.js';
import { cancelRun, resumeRun, type RunDecision } from '../../../digests/guard-rails.js';
import { runFailures } from '../../../digests/delivery-repo.js';
import { previewDigest } from '../../../digests/preview.js';
import { findRun, listRuns } from '../../../digests/run-repo.js';
import { requestRun, retryFailed, summariseRun } from '../../../digests/runs.js';
import { parseWeek } from '../../../digests/week.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { addressView, audit, requireRole } from '../../plugins/roles.js';
import { adminErrorResponses, errorResponse } from '../../schemas.js';

const weekParam = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-09-08')
  .describe('Any day of the week (YYYY-MM-DD); the run covers Monday to Sunday in DIGEST_TZ. Default: the week that ended before now');

const runOut = z.object({
  id: z.number(),
  week: z.string(),
  dryRun: z.boolean(),
  status: z.enum(runStatuses),
  trigger: z.string(),
  total: z.number(),
  sent: z.number(),
  skipped: z.number(),
  failed: z.number(),
  pending: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  fannedOutAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  seconds: z.number().nullable().describe('From start to finish, or to now while running'),
  samples: z.array(z.object({ email: z.string(), subject: z.string(), meetings: z.number(), sections: z.number() })),
  error: z.string().nullable(),
  hardBounces: z.number(),
  complaints: z.number(),
  hardBounceRate: z.number().nullable().describe('Hard bounces per digest sent'),
  complaintRate: z.number().nullable().describe('Complaints per digest sent'),
  pausedReason: z.string().nullable().describe('Why the run paused itself (RUN_COMPLAINT_PAUSE_RATE, RUN_BOUNCE_PAUSE_RATE)'),
});

const runParams = z.object({ id: z.coerce.number().int().positive() });

/** A run's samples with their addresses as this caller may see them. */
function withShownSamples<Run extends { samples: { email: string }[] }>(run: Run, show: (address: string) => string): Run {
  return { ...run, samples: run.samples.map((sample) => ({ ...sample, email: show(sample.email) })) };
}

const toWeek = (value: string | undefined) => (value ? parseWeek(value) : undefined);

/** Operators start, watch, preview and retry the weekly run. */
export async function adminDigestRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const security = [{ adminToken: [] }];
  const now = clockOf(deps);
  routes.addHook('onRequest', requireRole(deps));

  const { digests, preview } = deps;

  routes.post(
    '/api/admin/digest-runs',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Start the digest run for a week (or join it)',
        description:
          'A real run is unique per week: asking again for the same week answers the same run (`joined: true`) and never sends twice. `dryRun` builds and renders every digest, sends nothing and keeps counts and a few samples. A real run for a week that has not ended in DIGEST_TZ, or that began more than 8 weeks ago, is refused with 409 (the message says when the week ends) unless `force` is true; a forced run is logged and audited.',
        body: z
          .object({
            week: weekParam.optional(),
            dryRun: z.boolean().default(false),
            force: z.boolean().default(false).describe('Start a real run for a week not yet ended, or more than 8 weeks old'),
          })
          .default({ dryRun: false, force: false }),
        response: {
          202: z.object({ id: z.number(), week: z.string(), status: runOut.shape.status, dryRun: z.boolean(), joined: z.boolean() }),
          409: errorResponse.describe('A real run for a week not yet ended, or more than 8 weeks old, without `force`'),
          ...adminErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { week, dryRun, force } = request.body;
      const { run, joined, forced } = await requestRun(digests, { week: toWeek(week), dryRun, trigger: 'api', guard: { force, now: now() } });
      const detail = { week: run.week, joined, ...(forced && { forced: true, reason: forced.message }) };
      await audit(deps, request, { action: run.dryRun ? 'run.dry-run' : 'run.start', objectType: 'run', objectId: run.id, detail });
      return reply.code(202).send({ id: run.id, week: run.week, status: run.status, dryRun: run.dryRun, joined });
    },
  );

  routes.get(
    '/api/admin/digest-runs',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Digest runs, newest first',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          before: z.coerce.number().int().positive().optional().describe('nextBefore from the previous page'),
        }),
        response: { 200: z.object({ runs: z.array(runOut), nextBefore: z.number().nullable() }), ...adminErrorResponses },
      },
    },
    async (request) => {
      const runs = await listRuns(db, { limit: request.query.limit + 1, before: request.query.before });
      const page = runs.slice(0, request.query.limit);
      const show = addressView(request);
      return {
        runs: page.map((run) => withShownSamples(summariseRun(run, now()), show)),
        nextBefore: runs.length > request.query.limit ? page.at(-1)!.id : null,
      };
    },
  );

  routes.get(
    '/api/admin/digest-runs/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'One run: status, counts, timings and its latest failures',
        params: runParams,
        response: {
          200: runOut.extend({
            failures: z.array(z.object({ email: z.string().nullable(), error: z.string().nullable(), attempts: z.number(), claimedAt: z.string() })),
          }),
          404: errorResponse,
          ...adminErrorResponses,
        },
      },
    },
    async (request) => {
      const run = await findRun(db, request.params.id);
      if (!run) throw new ApiError(404, `No digest run ${request.params.id}`);
      const failures = await runFailures(db, run.id);
      const show = addressView(request);
      return {
        ...withShownSamples(summariseRun(run, now()), show),
        failures: failures.map((failure) => ({ ...failure, email: failure.email && show(failure.email), claimedAt: failure.claimedAt.toISOString() })),
      };
    },
  );

  routes.post(
    '/api/admin/digest-runs/:id/retry-failed',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: "Send the run's failed digests again",
        description: 'Suppressed addresses are skipped rather than retried.',
        params: runParams,
        response: { 202: z.object({ id: z.number(), retried: z.number() }), 404: errorResponse, 409: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const run = await findRun(db, request.params.id);
      if (!run) throw new ApiError(404, `No digest run ${request.params.id}`);
      if (run.dryRun) throw new ApiError(409, 'A dry run sends nothing, so it has nothing to retry');
      const retried = await retryFailed(digests, run.id);
      await audit(deps, request, { action: 'run.retry-failed', objectType: 'run', objectId: run.id, detail: { retried } });
      return reply.code(202).send({ id: run.id, retried });
    },
  );

  const decide = (verb: 'resume' | 'cancel', summary: string, description: string, act: (digests: DigestDeps, id: number) => Promise<RunDecision>) =>
    routes.post(
      `/api/admin/digest-runs/:id/${verb}`,
      {
        config: { role: 'operator' },
        schema: {
          tags: ['operators'],
          security,
          summary,
          description,
          params: runParams,
          response: { 200: runOut.extend({ requeued: z.number() }), 404: errorResponse, 409: errorResponse, ...adminErrorResponses },
        },
      },
      async (request) => {
        const decision = await act(digests, request.params.id);
        if (decision.outcome === 'not-found') throw new ApiError(404, `No digest run ${request.params.id}`);
        if (decision.outcome === 'conflict') throw new ApiError(409, `Run ${decision.run.id} is ${decision.run.status}: only ${verb === 'resume' ? 'a paused run resumes' : 'an unfinished real run can be cancelled'}`);
        await audit(deps, request, { action: `run.${verb}`, objectType: 'run', objectId: decision.run.id, detail: { requeued: decision.requeued } });
        return { ...summariseRun(decision.run, now()), requeued: decision.requeued };
      },
    );
  decide(
    'resume',
    'Resume a run that paused itself',
    'Queues again what the run held back when it paused; every recipient still gets at most one digest. 409 unless the run is paused.',
    resumeRun,
  );
  decide(
    'cancel',
    'Cancel an unfinished run',
    'Nothing more is sent for the run; what was sent stays sent. 409 once the run has finished.',
    (digests, id) => cancelRun(digests, id),
  );

  routes.get(
    '/api/admin/digest-preview',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: "A subscriber's digest for a week, rendered and not sent",
        description: 'HTML by default; `format=text` gives the plain-text part. 404 when nothing matches (a run would skip them).',
        querystring: z.object({
          email: z.string().trim().min(3).max(320),
          week: weekParam.optional(),
          format: z.enum(['html', 'text']).default('html'),
        }),
        response: { 200: z.string(), 404: errorResponse, ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const { email, week, format } = request.query;
      const found = await previewDigest(preview, { email }, toWeek(week));
      if (!found) throw new ApiError(404, `No subscriber ${email}`);
      if (!found.rendered) throw new ApiError(404, `Nothing in the week of ${found.week} matches what ${email} follows: a run would skip them`);
      reply.header('x-digest-subject', encodeURIComponent(found.rendered.subject));
      return format === 'text'
        ? reply.type('text/plain; charset=utf-8').send(found.rendered.text)
        : reply.header('content-security-policy', emailPolicy).type('text/html; charset=utf-8').send(found.rendered.html);
    },
  );
}

/** A rendered email served as a page: its own inline styles and https images, nothing that runs. */
export const emailPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
