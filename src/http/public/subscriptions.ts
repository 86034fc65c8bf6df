import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkSignUp, signUp } from '../../subscribers/signup.js';
import type { AppDeps } from '../deps.js';
import { checkWithCatalogue, type ApiCache } from '../caches.js';
import { ApiError } from '../errors.js';
import { usePageErrors } from '../html/support.js';
import { errorResponse, errorResponses } from '../schemas.js';
import { formBodyLimit, signUpPages } from './signup.js';
import { preferencePages } from './preferences.js';
import { followPages } from './follow.js';

const subscriptionBody = z.object({
  email: z.string().max(1000).describe('The address to subscribe; a confirmation link is mailed to it'),
  councils: z.array(z.string().max(100)).max(100).default([]).describe('Council slugs (GET /api/councils); none: every council'),
  committees: z.array(z.string().max(100)).max(100).default([]).describe('Committee slugs of the chosen councils; none: every committee'),
  topics: z.array(z.string().max(100)).max(100).default([]).describe('Topic slugs (GET /api/topics)'),
  keywords: z.array(z.string().max(100)).max(20).default([]).describe('Words or phrases; they widen the topics'),
});

/** The one answer every accepted sign-up gets, new address or known: nobody learns which. */
const signUpAccepted = {
  message: 'Check your inbox: we are sending a link to confirm the subscription (or, for an address already subscribed, to manage it).',
};

/**
 * Everything a subscriber touches: the sign-up form and API, confirmation,
 * the preference centre and unsubscribing. One per-IP limit covers both
 * ways of signing up, so switching between them gains nothing.
 */
export async function subscriptionRoutes(app: FastifyInstance, deps: AppDeps, cache: ApiCache) {
  // In-memory counters: one API process per limit. Behind several, each counts its own share.
  await app.register(fastifyRateLimit, { global: false });
  const signUpLimit = app.rateLimit({
    max: deps.config.SIGNUP_RATE_LIMIT_PER_IP,
    timeWindow: deps.config.SIGNUP_RATE_LIMIT_WINDOW_MINUTES * 60_000,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, `Too many sign-ups from your network: try again in ${context.after}.`),
  }) as onRequestHookHandler;

  await app.register(async (scope) => subscriptionApi(scope, deps, cache, signUpLimit));
  await app.register(async (scope) => {
    await scope.register(fastifyFormbody, { bodyLimit: formBodyLimit });
    usePageErrors(scope);
    await scope.register(async (pages) => signUpPages(pages, deps, cache, { signUp: signUpLimit }));
    await scope.register(async (pages) => preferencePages(pages, deps));
    await scope.register(async (pages) => followPages(pages, deps));
  });
}

async function subscriptionApi(app: FastifyInstance, deps: AppDeps, cache: ApiCache, signUpLimit: onRequestHookHandler) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { subscribers } = deps;

  routes.post(
    '/api/subscriptions',
    {
      onRequest: signUpLimit,
      bodyLimit: formBodyLimit,
      schema: {
        tags: ['public'],
        summary: 'Sign up for the weekly digest (double opt-in)',
        description:
          'Stores the address as pending and mails a confirmation link (valid 7 days); only confirmed addresses get digests. An address already known answers exactly the same and is mailed a link to manage its subscription instead. The mail is queued and sent by the worker, so the answer does not wait for it. Unknown councils, committees or topics answer 422 with the valid ones.',
        body: subscriptionBody,
        response: { 202: z.object({ message: z.string() }), ...errorResponses, 413: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const { result: checked } = await checkWithCatalogue(cache, (catalogue) => checkSignUp(request.body, catalogue));
      if (!checked.ok) {
        const fields = checked.problems.map((problem) => ({
          path: `body.${problem.path}`,
          message: problem.valid ? `${problem.message}; valid: ${problem.valid.join(', ')}` : problem.message,
        }));
        // 400s read like the schema's own validation failures; 422s are "well-formed, but names nothing we know".
        throw new ApiError(checked.status, checked.message, fields, checked.status === 400 ? 'validation_failed' : undefined);
      }
      await signUp(subscribers, { ...checked, source: 'api' });
      return reply.code(202).send(signUpAccepted);
    },
  );
}
