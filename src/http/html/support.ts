import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenError, type TokenPurpose } from '../../tokens/signed-links.js';
import type { AppDeps } from '../deps.js';
import { clockOf } from '../deps.js';
import { ApiError, classifyError } from '../errors.js';
import { formToken, formTokenField, formTokenValid, fromThisSite } from './csrf.js';
import { badLinkPage, statusPage } from './error-pages.js';

/** Pages are personal (they show an address) or carry a form token: never cached, never indexed. */
export function sendPage(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).header('cache-control', 'no-store').header('x-robots-tag', 'noindex').type('text/html; charset=utf-8').send(body);
}

/** A form's action path with a fresh token for it. */
export function formTarget(secret: string, action: string, now: Date) {
  return { action, token: formToken(secret, action, now) };
}

/** Refuses a form post that did not come from a page of ours (403): the token must fit this path, and the browser must not name another origin. */
export function assertFormPost(request: FastifyRequest, deps: Pick<AppDeps, 'tokenSecret' | 'config' | 'now'>) {
  const action = request.url.split('?')[0]!;
  const token = (request.body as Record<string, unknown> | undefined)?.[formTokenField];
  if (!fromThisSite(request, deps.config.PUBLIC_BASE_URL)) {
    throw new ApiError(403, 'This form was sent from another site, so nothing was changed.');
  }
  if (!formTokenValid(deps.tokenSecret, action, Array.isArray(token) ? token[0] : token, clockOf(deps)())) {
    throw new ApiError(403, 'Nothing was changed.');
  }
}

/** Remembers which link purpose a page route checks, so a bad link gets the right explanation. */
function linkPurpose(request: FastifyRequest): TokenPurpose {
  return (request.routeOptions.config as { linkPurpose?: TokenPurpose }).linkPurpose ?? 'manage';
}

/**
 * Page routes answer errors with pages, not JSON: a bad link is a 400 page
 * saying what to do; 4xx pages say what was wrong (domain errors as the
 * table in ../errors.ts says); 5xx are logged and say nothing more.
 */
export function usePageErrors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof TokenError) return sendPage(reply, 400, badLinkPage(error.problem, linkPurpose(request)));
    const failure = classifyError(error, request);
    switch (failure.kind) {
      case 'domain':
        return sendPage(reply, failure.answer.status, statusPage(failure.answer.status, failure.answer.detail));
      case 'validation':
        return sendPage(reply, 400, statusPage(400));
      case 'unstorable':
        return sendPage(reply, 400, statusPage(400, 'Text with a NUL character cannot be stored.'));
      case 'client':
        return sendPage(reply, failure.status, statusPage(failure.status));
      case 'serialization':
      case 'server':
    }
    request.log.error({ err: error }, 'page failed');
    return sendPage(reply, 500, statusPage(500, `Reference: ${request.id}`));
  });
}
