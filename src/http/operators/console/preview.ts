import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { consolePreview, sendTestDigest } from '../../../console/preview.js';
import { parseWeek, previousWeek } from '../../../digests/week.js';
import { loadCatalogue } from '../../../meetings/catalogue.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { pageContext } from './context.js';
import { previewPage, type PreviewForm } from './preview-page.js';
import { sendPage } from '../../html/support.js';
import { actorOf, audit } from '../../plugins/roles.js';
import { listParam } from '../../schemas.js';
import { emailPolicy } from '../api/digests.js';

const previewQuery = z.object({
  week: z.string().trim().max(40).optional(),
  email: z.string().trim().max(320).optional(),
  councils: listParam,
  topics: listParam,
  keywords: listParam,
});

/** The preview frame may be shown by our own pages only, and runs nothing. */
const framePolicy = emailPolicy.replace("frame-ancestors 'none'", "frame-ancestors 'self'; sandbox");

/** Preview a week's digest for a subscriber or a filter set, and send yourself a test copy. */
export async function consolePreviewRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const now = clockOf(deps);
  const previewDeps = deps.preview;
  const config = { role: 'operator', consolePage: true } as const;

  const formOf = (query: z.output<typeof previewQuery>): PreviewForm => {
    const week = query.week ? parseWeek(query.week) : previousWeek(now(), previewDeps.zone);
    return { week, email: query.email ?? '', filters: { councils: query.councils, committees: [], topics: query.topics, keywords: query.keywords } };
  };
  const render = (form: PreviewForm) => consolePreview(previewDeps, form.email ? { email: form.email } : { filters: form.filters }, form.week);
  const asked = (request: FastifyRequest) => Object.keys(request.query as object).length > 0;

  routes.get('/admin/preview', { schema: { hide: true, querystring: previewQuery }, config }, async (request, reply) => {
    const form = formOf(request.query);
    const preview = asked(request) ? await render(form) : null;
    return sendPage(reply, 200, previewPage(pageContext(request, reply), { form, catalogue: await loadCatalogue(previewDeps.db), preview }));
  });

  routes.get('/admin/preview/render', { schema: { hide: true, querystring: previewQuery }, config }, async (request, reply) => {
    const preview = await render(formOf(request.query));
    if (!preview.found) throw new ApiError(404, preview.reason);
    return reply.header('content-security-policy', framePolicy).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(preview.rendered.html);
  });

  routes.post('/admin/preview/send', { schema: { hide: true, querystring: previewQuery }, config }, async (request, reply) => {
    const to = actorOf(request).email;
    if (!to) throw new ApiError(409, 'ADMIN_TOKEN is nobody in particular: sign in as yourself to send a test copy');
    const form = formOf(request.query);
    const preview = await render(form);
    if (!preview.found) throw new ApiError(404, preview.reason);
    await sendTestDigest(deps.mailer, to, preview.rendered);
    await audit(deps, request, { action: 'preview.test-send', objectType: 'digest', objectId: form.email || 'filter set', detail: { week: form.week, to } });
    return sendPage(reply, 200, previewPage(pageContext(request, reply), { form, catalogue: await loadCatalogue(previewDeps.db), preview, sentTo: to }));
  });
}
