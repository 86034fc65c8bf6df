import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createDigestMetrics } from '../../digests/metrics.js';
import { inboundDeps } from '../../inbound/deps.js';
import { recordReturn, returnTypes } from '../../inbound/returns.js';
import { EmailAddressError } from '../../subscribers/email.js';
import type { AppDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { secretsEqual } from '../plugins/auth.js';
import { errorResponse, errorResponses } from '../schemas.js';

export const webhookSecretHeader = 'x-webhook-secret';

/** The shared secret in a header; with no BOUNCE_WEBHOOK_SECRET the webhook is switched off, not open. */
function requireWebhookSecret(secret: string | undefined) {
  return async (request: FastifyRequest) => {
    if (!secret) throw new ApiError(503, 'The bounce webhook is disabled: set BOUNCE_WEBHOOK_SECRET to enable it');
    const given = request.headers[webhookSecretHeader];
    if (typeof given !== 'string' || !given) throw new ApiError(401, `Send the shared secret in the ${webhookSecretHeader} header`);
    if (!secretsEqual(given, secret)) throw new ApiError(403, 'That secret is not the bounce webhook secret');
  };
}

/**
 * Mail providers report bounces and complaints here, in this one shape (a
 * provider's own webhook is adapted to it in front): a complaint suppresses
 * the address at once, hard bounces after HARD_BOUNCE_LIMIT, soft ones never.
 */
export async function webhookRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const returns = inboundDeps(deps.config, {
    db: deps.database.db,
    logger: deps.logger,
    metrics: deps.digests?.metrics ?? createDigestMetrics({ processMetrics: false }),
    tokenSecret: deps.tokenSecret,
    now: deps.now,
  });
  routes.post(
    '/api/webhooks/bounces',
    {
      // Before the body is read: an anonymous caller learns nothing about the format.
      onRequest: requireWebhookSecret(deps.config.BOUNCE_WEBHOOK_SECRET),
      schema: {
        tags: ['providers'],
        summary: 'Report a bounce or complaint',
        description: `Authenticated by the shared secret in the \`${webhookSecretHeader}\` header (BOUNCE_WEBHOOK_SECRET).`,
        body: z.object({ email: z.string().trim().min(3).max(320), type: z.enum(returnTypes) }),
        response: {
          200: z.object({ action: z.enum(['suppressed', 'counted', 'ignored']) }),
          ...errorResponses,
          401: errorResponse,
          403: errorResponse,
          503: errorResponse,
        },
      },
    },
    async (request) => {
      try {
        const { action } = await recordReturn(returns, { channel: 'webhook', type: request.body.type, email: request.body.email });
        return { action };
      } catch (error) {
        if (error instanceof EmailAddressError) throw new ApiError(422, error.message, [{ path: 'body.email', message: error.message }]);
        throw error;
      }
    },
  );
}
