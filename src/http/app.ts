import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { AppDeps } from './deps.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { createApiCache } from './caches.js';
import { registerErrorHandling } from './plugins/errors.js';
import { answerFrameworkError, registerSecurityHeaders } from './plugins/security.js';
import { adminConsoleRoutes } from './operators/api/operators.js';
import { consoleRoutes } from './operators/console/index.js';
import { adminDigestRoutes } from './operators/api/digests.js';
import { adminHarvestRoutes } from './operators/api/harvest.js';
import { adminMeetingRoutes } from './operators/api/meetings.js';
import { adminQueueRoutes } from './operators/api/queues.js';
import { adminPartnerRoutes } from './operators/api/partners.js';
import { calendarRoutes } from './public/calendar.js';
import { feedPublicRoutes } from './public/feed-links.js';
import { adminSubscriberRoutes } from './operators/api/subscribers.js';
import { devOutboxRoutes } from './machines/dev-outbox.js';
import { digestViewRoutes } from './public/digest-view.js';
import { healthRoutes } from './machines/health.js';
import { meetingRoutes } from './public/meetings.js';
import { metricsRoutes } from './machines/metrics.js';
import { partnerFeedRoutes } from './partners/feeds.js';
import { subscriptionRoutes } from './public/subscriptions.js';
import { webhookRoutes } from './machines/webhooks.js';


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
  await app.register(async (scope) => calendarRoutes(scope, deps));
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
