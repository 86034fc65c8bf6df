import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { errorBody } from '../errors.js';

/**
 * What a page of ours may load: one stylesheet from here, forms posted here,
 * never framed, no scripts. JSON answers carry it too (they load nothing).
 */
const sitePolicy = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/** Bull Board is a React app: its own scripts, inline style attributes, and calls back to its API. */
const queueBoardPolicy = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

const queueBoardPrefix = '/admin/queues';

/**
 * The headers a helmet policy sets, worked out once at start-up by running
 * helmet's own middleware against a recorder. Our policies take nothing from
 * the request (no nonces), so the answer never changes; @fastify/helmet
 * builds the middleware anew for every request, a twentieth of a sign-up's
 * CPU.
 */
function policyHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * Helmet's headers on every response (nosniff, frame and referrer policies,
 * HSTS, a content security policy). Routes that serve other people's HTML
 * (a digest, the dev outbox) or a script UI (/docs) set their own, stricter
 * or looser, policy on top. Register before any route.
 */
export async function registerSecurityHeaders(app: FastifyInstance) {
  // Same-origin posts keep their Origin header (the CSRF check reads it); token URLs never leak to other sites.
  const referrerPolicy = { policy: 'same-origin' } as const;
  const site = policyHeaders({ contentSecurityPolicy: { useDefaults: false, directives: sitePolicy }, referrerPolicy });
  const queueBoard = policyHeaders({ contentSecurityPolicy: { useDefaults: false, directives: queueBoardPolicy }, referrerPolicy });
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.routeOptions.url?.startsWith(queueBoardPrefix) ? queueBoard : site);
    done();
  });
}

const frameworkErrorAnswers: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'bad_request', message: 'The URL is not valid' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'A part of the URL is too long' },
};

/**
 * Fastify's own routing errors (a malformed URL, a path parameter past
 * maxParamLength) in the one error shape. They come before any hook runs,
 * so the headers a hook would add are set here.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = frameworkErrorAnswers[error.code];
  if (!known) request.log.error({ err: error }, 'routing failed');
  const answer = known ?? { status: 500, code: 'internal', message: `Something went wrong on our side (request ${request.id}); it has been logged.` };
  void reply
    .code(answer.status)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    .send(errorBody(answer.code, answer.message));
}
