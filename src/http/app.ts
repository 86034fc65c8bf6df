import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import type { DigestDeps } from '../digests/deps.js';
import type { JobQueue } from '../jobs/types.js';
import { createApiCache } from './caches.js';
import { registerErrorHandling } from './plugins/errors.js';
import { answerFrameworkError, registerSecurityHeaders } from './plugins/security.js';
import { adminConsoleRoutes } from './routes/admin-console.js';
import { consoleRoutes } from './routes/console.js';
import { adminDigestRoutes } from './routes/admin-digests.js';
import { adminHarvestRoutes } from './routes/admin-harvest.js';
import { adminMeetingRoutes } from './routes/admin-meetings.js';
import { adminQueueRoutes } from './routes/admin-queues.js';
import { adminPartnerRoutes } from './routes/admin-partners.js';
import { feedPublicRoutes } from './routes/feed-public.js';
import { adminSubscriberRoutes } from './routes/admin-subscribers.js';
import { devOutboxRoutes } from './routes/dev-outbox.js';
import { digestViewRoutes } from './routes/digest-view.js';
import { healthRoutes } from './routes/health.js';
import { meetingRoutes } from './routes/meetings.js';
import { metricsRoutes } from './routes/metrics.js';
import { partnerFeedRoutes } from './routes/partner-feeds.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { webhookRoutes } from './routes/webhooks.js';

/** Everything the HTTP layer needs, wired by the composition root (server, tests). */
export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for link tokens (see subscribers/tokens.ts). */
  tokenSecret: string;
  /** Where sign-up mail is queued; whoever works the `subscribers` jobs sends it. */
  queue: JobQueue;
  /** Present when jobs go through Redis; /readyz pings it. */
  redis?: { ping(): Promise<unknown> };
  /** The clock; tests pin it. Default: the system's. */
  now?: () => Date;
  /** The weekly run (its job queue, metrics, processors' dependencies); without it, starting runs answers 503. */
  digests?: DigestDeps;
  /** Sees every route as it is added: the authorisation tests build the route table from it. */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Behind a proxy the client's address comes from X-Forwarded-For (rate limits, logs).
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    // Link tokens travel as path parameters (/confirm/:token) and run past the default 100 characters.
    routerOptions: { maxParamLength: 1024 },
    requestIdHeader: 'x-request-id',
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  await registerSecurityHeaders(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Council Digest API',
        description: 'Weekly email digests of local-government meetings. Errors answer `{error: {code, message, fields?}}`.',
        version: '0.1.0',
      },
      servers: [{ url: deps.config.PUBLIC_BASE_URL }],
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
          partnerKey: { type: 'http', scheme: 'bearer', description: 'A partner API key (cdp_...)' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // Swagger UI's scripts and styles by hash; plain http stays plain for a local run.
    staticCSP: true,
    transformStaticCSP: (policy) => policy.replace(/\s*upgrade-insecure-requests;?/, ''),
  });

  const cache = createApiCache(deps.database.db, { ttlMs: deps.config.API_CACHE_SECONDS * 1000 });
  await app.register(async (scope) => healthRoutes(scope, deps));
  await app.register(async (scope) => meetingRoutes(scope, deps, cache));
  await app.register(async (scope) => adminMeetingRoutes(scope, deps, cache));
  await app.register(async (scope) => adminPartnerRoutes(scope, deps));
  await app.register(async (scope) => partnerFeedRoutes(scope, deps));
  await app.register(async (scope) => feedPublicRoutes(scope, deps));
  await app.register(async (scope) => subscriptionRoutes(scope, deps, cache));
  await app.register(async (scope) => adminSubscriberRoutes(scope, deps));
  await app.register(async (scope) => adminDigestRoutes(scope, deps));
  await app.register(async (scope) => adminHarvestRoutes(scope, deps));
  await app.register(async (scope) => adminQueueRoutes(scope, deps));
  await app.register(async (scope) => digestViewRoutes(scope, deps));
  await app.register(async (scope) => webhookRoutes(scope, deps));
  await app.register(async (scope) => metricsRoutes(scope, deps));
  await app.register(async (scope) => adminConsoleRoutes(scope, deps));
  await app.register(async (scope) => consoleRoutes(scope, deps, cache));
  const outbox = deps.mailer.outboxDir;
  if (outbox) await app.register(async (scope) => devOutboxRoutes(scope, outbox));
  return app as unknown as FastifyInstance;
}
