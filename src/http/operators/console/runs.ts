import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { estimateRun } from '../../../console/run-estimate.js';
import { runFailures } from '../../../digests/delivery-repo.js';
import { findRun, listRuns } from '../../../digests/run-repo.js';
import { RunRefusedError, weekGuard } from '../../../digests/week-guard.js';
import { requestRun, retryFailed, summariseRun, type RunSummary } from '../../../digests/runs.js';
import { parseWeek, previousWeek } from '../../../digests/week.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { pageContext } from './context.js';
import { confirmRunPage, runPage, runsPage } from './runs-page.js';
import { sendPage } from '../../html/support.js';
import { addressView, audit } from '../../plugins/roles.js';

const runParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const weekField = z.string().trim().max(40);
const checkbox = z.enum(['0', '1']).optional();

/** How often the live view looks at the run again. */
const eventIntervalMs = 1000;

/** The runs pages: list, a confirmation with what a run would do, one run live, retry of its failures. */
export async function consoleRunRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const zone = deps.config.DIGEST_TZ;
  const now = clockOf(deps);
  const { digests } = deps;
  const shown = (request: Parameters<typeof addressView>[0], run: RunSummary): RunSummary => {
    const show = addressView(request);
    return { ...run, samples: run.samples.map((sample) => ({ ...sample, email: show(sample.email) })) };
  };

  routes.get(
    '/admin/runs',
    { schema: { hide: true, querystring: z.object({ before: z.coerce.number().int().positive().optional() }) }, config: { role: 'viewer', consolePage: true } },
    async (request, reply) => {
      const rows = await listRuns(db, { limit: 21, before: request.query.before });
      const page = rows.slice(0, 20);
      return sendPage(
        reply,
        200,
        runsPage(pageContext(request, reply), {
          runs: page.map((run) => summariseRun(run, now())),
          nextBefore: rows.length > 20 ? page.at(-1)!.id : null,
          defaultWeek: previousWeek(now(), zone),
          zone,
        }),
      );
    },
  );

  routes.get(
    '/admin/runs/new',
    { schema: { hide: true, querystring: z.object({ week: weekField, dryRun: checkbox }) }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => {
      const dryRun = request.query.dryRun === '1';
      const estimate = await estimateRun(db, parseWeek(request.query.week), zone);
      const refusal = dryRun ? undefined : weekGuard(estimate.week, now(), zone);
      return sendPage(reply, 200, confirmRunPage(pageContext(request, reply), estimate, dryRun, refusal?.message));
    },
  );

  routes.post(
    '/admin/runs',
    { schema: { hide: true, body: z.object({ week: weekField, dryRun: checkbox, force: checkbox }).passthrough() }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => {
      const dryRun = request.body.dryRun === '1';
      const guard = { force: request.body.force === '1', now: now() };
      const requested = await requestRun(digests, { week: parseWeek(request.body.week), dryRun, trigger: 'api', guard }).catch(async (error: unknown) => {
        if (!(error instanceof RunRefusedError)) throw error;
        const estimate = await estimateRun(db, parseWeek(request.body.week), zone);
        await sendPage(reply, 409, confirmRunPage(pageContext(request, reply), estimate, dryRun, error.message));
        return undefined;
      });
      if (!requested) return reply;
      const { run, joined, forced } = requested;
      const detail = { week: run.week, joined, ...(forced && { forced: true, reason: forced.message }) };
      await audit(deps, request, { action: run.dryRun ? 'run.dry-run' : 'run.start', objectType: 'run', objectId: run.id, detail });
      return reply.redirect(`/admin/runs/${run.id}`, 303);
    },
  );

  routes.get('/admin/runs/:id', { schema: { hide: true, params: runParams }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const run = await findRun(db, request.params.id);
    if (!run) throw new ApiError(404, `No run ${request.params.id}`);
    const show = addressView(request);
    const failures = (await runFailures(db, run.id)).map((failure) => ({ ...failure, email: failure.email && show(failure.email) }));
    return sendPage(reply, 200, runPage(pageContext(request, reply), shown(request, summariseRun(run, now())), failures, zone));
  });

  // Server-sent events: the run's counts each second until it finishes (the page reloads then).
  routes.get('/admin/runs/:id/events', { schema: { hide: true, params: runParams }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const first = await findRun(db, request.params.id);
    if (!first) throw new ApiError(404, `No run ${request.params.id}`);
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    let open = true;
    request.raw.on('close', () => {
      open = false;
    });
    for (let run = first; open && run; run = (await findRun(db, request.params.id))!) {
      const summary = summariseRun(run, now());
      const { samples: _samples, ...counts } = summary;
      stream.write(`event: progress\ndata: ${JSON.stringify(counts)}\n\n`);
      if (summary.status === 'completed' || summary.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, eventIntervalMs));
    }
    stream.end();
  });

  routes.post('/admin/runs/:id/retry-failed', { schema: { hide: true, params: runParams }, config: { role: 'operator', consolePage: true } }, async (request, reply) => {
    const run = await findRun(db, request.params.id);
    if (!run) throw new ApiError(404, `No run ${request.params.id}`);
    if (run.dryRun) throw new ApiError(409, 'A dry run sends nothing, so it has nothing to retry');
    const retried = await retryFailed(digests, run.id);
    await audit(deps, request, { action: 'run.retry-failed', objectType: 'run', objectId: run.id, detail: { retried } });
    return reply.redirect(`/admin/runs/${run.id}`, 303);
  });
}
