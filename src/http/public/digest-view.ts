import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { previewDigest } from '../../digests/preview.js';
import { parseWeek, weekLabel } from '../../digests/week.js';
import { TokenError, verifyToken } from '../../tokens/signed-links.js';
import type { AppDeps } from '../deps.js';
import { clockOf } from '../deps.js';
import { badLinkPage } from '../html/error-pages.js';
import { messagePage } from '../html/layout.js';
import { emailPolicy } from '../operators/api/digests.js';

/**
 * "View in your browser": the digest a link was mailed with, rebuilt from
 * the current data for that subscriber and week. The token names the
 * subscriber (by public id) and the week; a forged, altered or revoked token
 * gets the same 400 page as any other bad link and never anyone's digest.
 */
export async function digestViewRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const now = clockOf(deps);
  const previewDeps = deps.preview;

  routes.get('/digests/:token', { schema: { hide: true, params: z.object({ token: z.string().max(4096) }) } }, async (request, reply) => {
    // The token is in the URL: it must not leak to the pages the digest links to.
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    const page = (status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
    let claims;
    try {
      claims = verifyToken(deps.tokenSecret, request.params.token, 'digest', now());
    } catch (error) {
      if (error instanceof TokenError) return page(400, badLinkPage(error.problem, 'digest'));
      throw error;
    }
    const week = /^\d{4}-\d{2}-\d{2}$/.test(claims.context ?? '') ? parseWeek(claims.context!) : undefined;
    if (!week) return page(400, badLinkPage('malformed', 'digest'));
    const found = await previewDigest(previewDeps, { publicId: claims.subject }, week);
    if (!found || found.recipient.tokenVersion !== claims.version) return page(400, badLinkPage('revoked', 'digest'));
    if (!found.rendered) {
      return page(200, messagePage({ title: 'Nothing that week', lead: `Nothing from ${weekLabel(week)} matches what you follow.` }));
    }
    return reply.header('content-security-policy', emailPolicy).type('text/html; charset=utf-8').send(found.rendered.html);
  });
}
