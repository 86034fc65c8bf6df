import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
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
import { registerErrorHandling } from './plugins/errors.js';
import { adminMeetingRoutes } from './routes/admin-meetings.js';
import { healthRoutes } from './routes/health.js';
import { meetingRoutes } from './routes/meetings.js';

/** Everything the HTTP layer needs, wired by the composition root (server, tests). */
export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for link tokens (see subscribers/tokens.ts). */
  tokenSecret: string;
  /** Present when jobs go through Redis; /readyz pings it. */
  redis?: { ping(): Promise<unknown> };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Behind a proxy the client's address comes from X-Forwarded-For (rate limits, logs).
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

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
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(async (scope) => healthRoutes(scope, deps));
  await app.register(async (scope) => meetingRoutes(scope, deps));
  await app.register(async (scope) => adminMeetingRoutes(scope, deps));
  return app as unknown as FastifyInstance;
}
