import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkSource } from '../../../harvest/check.js';
import { findSource, listHarvests, listSources, updateSource } from '../../../harvest/repo.js';
import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { pageContext } from './context.js';
import { sourcesPage } from './sources-page.js';
import { sendPage } from '../../html/support.js';
import { audit } from '../../plugins/roles.js';
import { permissionText } from '../api/harvest.js';

const sourceParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
/** Harvests shown per source. */
const harvestsShown = 5;

/** The council sites: robots.txt, permission, last check and latest harvests; operators check a site or record permission. */
export async function consoleSourceRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const zone = deps.config.DIGEST_TZ;
  const existing = async (id: number) => {
    const source = await findSource(db, id);
    if (!source) throw new ApiError(404, `No source ${id}`);
    return source;
  };

  routes.get('/admin/sources', { schema: { hide: true }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const sources = await Promise.all((await listSources(db)).map(async (source) => ({ ...source, harvests: await listHarvests(db, { sourceId: source.id, limit: harvestsShown }) })));
    return sendPage(reply, 200, sourcesPage(pageContext(request, reply), { sources, zone, defaultTimeout: deps.config.HARVEST_TIMEOUT_SECONDS }));
  });

  routes.post(
    '/admin/sources/:id/check',
    { schema: { hide: true, params: sourceParams, body: z.object({}).passthrough() }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => {
      const source = await existing(request.params.id);
      const check = await checkSource(deps.harvest, source);
      await audit(deps, request, { action: 'source.check', objectType: 'source', objectId: source.id, detail: { ok: check.ok, problem: check.problem } });
      return reply.redirect(`/admin/sources#source-${source.id}`, 303);
    },
  );

  routes.post(
    '/admin/sources/:id/permission',
    {
      // Empty withdraws the permission.
      schema: { hide: true, params: sourceParams, body: z.object({ permission: z.union([z.string().trim().length(0), permissionText]).default('') }).passthrough() },
      config: { role: 'operator', consolePage: true },
    },
    async (request, reply) => {
      await existing(request.params.id);
      const permission = request.body.permission || null;
      await updateSource(db, request.params.id, { robotsPermission: permission });
      await audit(deps, request, { action: 'source.robots-permission', objectType: 'source', objectId: request.params.id, detail: { permission } });
      return reply.redirect(`/admin/sources#source-${request.params.id}`, 303);
    },
  );
}
