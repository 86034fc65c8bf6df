import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mailgunReports, mailgunSignatureValid, postmarkReports, sesReports } from '../../inbound/providers/reports.js';
import { createSnsVerifier } from '../../inbound/providers/sns.js';
import { recordProviderReport, recordReturn, returnKinds, type ProviderReport } from '../../inbound/returns.js';
import { EmailAddressError } from '../../subscribers/email.js';
import type { AppDeps } from '../deps.js';
import { clockOf } from '../deps.js';
import { ApiError } from '../errors.js';
import { secretsEqual } from '../../tokens/bearer.js';
import { errorResponse, errorResponses } from '../schemas.js';

export const webhookSecretHeader = 'x-webhook-secret';

/** Mailgun events older (or newer) than this are refused: a captured request cannot be replayed later. */
export const mailgunMaxSkewSeconds = 15 * 60;

/** The shared secret in a header; with no BOUNCE_WEBHOOK_SECRET the webhook is switched off, not open. */
function requireWebhookSecret(secret: string | undefined) {
  return async (request: FastifyRequest) => {
    if (!secret) throw new ApiError(503, 'The bounce webhook is disabled: set BOUNCE_WEBHOOK_SECRET to enable it');
    const given = request.headers[webhookSecretHeader];
    if (typeof given !== 'string' || !given) throw new ApiError(401, `Send the shared secret in the ${webhookSecretHeader} header`);
    if (!secretsEqual(given, secret)) throw new ApiError(403, 'That secret is not the bounce webhook secret');
  };
}

/** Postmark's webhook authenticates with HTTP basic auth (POSTMARK_WEBHOOK_USER and _PASSWORD). */
function requireBasicAuth(user: string | undefined, password: string | undefined) {
  return async (request: FastifyRequest) => {
    if (!user || !password) throw new ApiError(503, 'The Postmark webhook is disabled: set POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD to enable it');
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new ApiError(401, 'Send the Postmark webhook credentials with HTTP basic auth');
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const ok = colon > 0 && secretsEqual(decoded.slice(0, colon), user) && secretsEqual(decoded.slice(colon + 1), password);
    if (!ok) throw new ApiError(403, 'Those are not the Postmark webhook credentials');
  };
}

const results = z.object({
  results: z.array(z.object({ action: z.enum(['suppressed', 'counted', 'ignored']) })).describe('What each reported recipient came to'),
});

/**
 * Mail providers report bounces and complaints here: the generic webhook in
 * our own shape, and SES (through SNS), Mailgun and Postmark in theirs,
 * each authenticated the way its provider does it. All land on the one
 * model (inbound/returns.ts): a complaint suppresses the address at once,
 * hard bounces after HARD_BOUNCE_LIMIT, soft ones never.
 */
export async function webhookRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { config } = deps;
  const now = clockOf(deps);
  const { returns } = deps;
  const record = async (channel: 'ses' | 'mailgun' | 'postmark', reports: ProviderReport[]) => {
    const outcomes = [];
    for (const report of reports) outcomes.push({ action: (await recordProviderReport(returns, channel, report)).action });
    return { results: outcomes };
  };
  // SNS posts its JSON as text/plain; only these routes read it that way.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new ApiError(400, 'The body is not JSON'), undefined);
    }
  });

  routes.post(
    '/api/webhooks/bounces',
    {
      // Before the body is read: an anonymous caller learns nothing about the format.
      onRequest: requireWebhookSecret(config.BOUNCE_WEBHOOK_SECRET),
      schema: {
        tags: ['providers'],
        summary: 'Report a bounce or complaint',
        description: `Authenticated by the shared secret in the \`${webhookSecretHeader}\` header (BOUNCE_WEBHOOK_SECRET).`,
        body: z.object({ email: z.string().trim().min(3).max(320), type: z.enum(returnKinds) }),
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
        // A report must name an address to be recorded: here a bad one is unprocessable (422), not the table's 400.
        if (error instanceof EmailAddressError) throw new ApiError(422, error.message, [{ path: 'body.email', message: error.message }]);
        throw error;
      }
    },
  );

  const sns = createSnsVerifier({ topics: config.SES_SNS_TOPIC_ARNS ?? [], certHost: new RegExp(config.SES_SNS_CERT_HOST) });
  routes.post(
    '/api/webhooks/ses',
    {
      schema: {
        tags: ['providers'],
        summary: 'Amazon SES bounce and complaint notifications, through SNS',
        description:
          'Subscribe this URL to the SNS topics SES publishes to and list them in SES_SNS_TOPIC_ARNS. Each message must carry a valid SNS signature from a certificate on an allowed host (SES_SNS_CERT_HOST); subscriptions are confirmed by visiting their SubscribeURL.',
        body: z.unknown(),
        response: { 200: results.extend({ confirmed: z.boolean() }), ...errorResponses, 403: errorResponse, 503: errorResponse },
      },
    },
    async (request) => {
      if (!config.SES_SNS_TOPIC_ARNS?.length) throw new ApiError(503, 'The SES webhook is disabled: set SES_SNS_TOPIC_ARNS to the topics SES publishes to');
      const message = await sns.verify(request.body);
      if (message.Type === 'SubscriptionConfirmation') {
        await sns.confirm(message);
        deps.logger.info({ topic: message.TopicArn }, 'SNS subscription confirmed');
        return { confirmed: true, results: [] };
      }
      if (message.Type !== 'Notification') return { confirmed: false, results: [] };
      let event: unknown;
      try {
        event = JSON.parse(message.Message);
      } catch {
        throw new ApiError(400, 'The notification is not an SES event');
      }
      return { confirmed: false, ...(await record('ses', sesReports(event))) };
    },
  );

  routes.post(
    '/api/webhooks/mailgun',
    {
      schema: {
        tags: ['providers'],
        summary: 'Mailgun failed and complained events',
        description: 'Each event is signed with the webhook signing key (MAILGUN_WEBHOOK_SIGNING_KEY): HMAC-SHA256 of timestamp and token. Events older than 15 minutes are refused.',
        body: z.object({
          signature: z.object({ timestamp: z.string().max(20), token: z.string().max(200), signature: z.string().max(200) }).optional(),
          'event-data': z.record(z.string(), z.unknown()).optional(),
        }),
        response: { 200: results, ...errorResponses, 401: errorResponse, 403: errorResponse, 503: errorResponse },
      },
    },
    async (request) => {
      const key = config.MAILGUN_WEBHOOK_SIGNING_KEY;
      if (!key) throw new ApiError(503, 'The Mailgun webhook is disabled: set MAILGUN_WEBHOOK_SIGNING_KEY to enable it');
      const { signature } = request.body;
      if (!signature) throw new ApiError(401, 'The event carries no Mailgun signature');
      if (!mailgunSignatureValid(key, signature)) throw new ApiError(403, 'The Mailgun signature does not verify');
      if (Math.abs(now().getTime() / 1000 - Number(signature.timestamp)) > mailgunMaxSkewSeconds) throw new ApiError(403, 'The Mailgun event is too old to accept');
      return record('mailgun', mailgunReports(request.body['event-data']));
    },
  );

  routes.post(
    '/api/webhooks/postmark',
    {
      onRequest: requireBasicAuth(config.POSTMARK_WEBHOOK_USER, config.POSTMARK_WEBHOOK_PASSWORD),
      schema: {
        tags: ['providers'],
        summary: 'Postmark bounce and spam complaint webhooks',
        description: 'Authenticated with HTTP basic auth (POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD), put in the webhook URL as Postmark documents.',
        body: z.record(z.string(), z.unknown()),
        response: { 200: results, ...errorResponses, 401: errorResponse, 403: errorResponse, 503: errorResponse },
      },
    },
    async (request) => record('postmark', postmarkReports(request.body)),
  );
}
