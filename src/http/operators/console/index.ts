import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { consoleImportLimitBytes } from '../../../console/meeting-import.js';
import type { AppDeps } from '../../deps.js';
import type { ApiCache } from '../../caches.js';
import { useConsoleErrors } from './error-pages.js';
import { consoleScript, consoleScriptPath, consoleStylesheet, consoleStylesheetPath } from './layout.js';
import { registerConsoleSession } from '../../plugins/console-session.js';
import { requireRole } from '../../plugins/roles.js';
import { consoleDashboardRoutes } from './dashboard.js';
import { consoleFeedRoutes } from './feeds.js';
import { consoleMeetingRoutes } from './meetings.js';
import { consolePartnerRoutes } from './partners.js';
import { consolePeopleRoutes } from './people.js';
import { consolePreviewRoutes } from './preview.js';
import { consoleRunRoutes } from './runs.js';
import { consoleSourceRoutes } from './sources.js';
import { consoleSubscriberRoutes } from './subscribers.js';
import { consoleTopicRoutes } from './topics.js';
import { consoleSignInRoutes } from './sign-in.js';

/**
 * What console pages may load: our stylesheets and one script, server-sent
 * events from here, the preview frame from here; forms post here; nothing
 * frames them.
 */
export const consolePolicy =
  "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The page modules behind the role guard; each route names its role and `consolePage: true`. */
const consolePages: ((scope: FastifyInstance, deps: AppDeps, cache: ApiCache) => Promise<void>)[] = [consoleDashboardRoutes, consoleRunRoutes, consolePreviewRoutes, consoleSubscriberRoutes, consoleFeedRoutes, consolePartnerRoutes, consoleTopicRoutes, consoleMeetingRoutes, consoleSourceRoutes, consolePeopleRoutes];

/** A pasted page or a year of meetings fits; anything near this is not a person using a form. */
const consoleBodyLimit = consoleImportLimitBytes;

/**
 * The operators' console under /admin: server-rendered pages behind the
 * role guard (a session cookie, or a bearer token for scripts), sign-in by
 * emailed link, CSRF tokens on every form.
 */
export async function consoleRoutes(app: FastifyInstance, deps: AppDeps, cache: ApiCache) {
  await app.register(fastifyFormbody, { bodyLimit: consoleBodyLimit });
  // An uploaded file arrives as a Buffer among the form's fields. busboy silently cuts a longer field at fieldSize (1 MiB
  // unless set), and keyValues drops its "truncated" flag: a field kept one byte past the limit is refused by the route.
  await app.register(fastifyMultipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: consoleBodyLimit, fieldSize: consoleBodyLimit + 1, files: 1, fields: 20 } });
  await app.register(fastifyRateLimit, { global: false });
  await registerConsoleSession(app, deps);
  useConsoleErrors(app);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('content-security-policy', consolePolicy);
    done();
  });

  app.get(consoleStylesheetPath, { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(consoleStylesheet),
  );
  app.get(consoleScriptPath, { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(consoleScript),
  );
  await app.register(async (scope) => consoleSignInRoutes(scope, deps));
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireRole(deps));
    for (const register of consolePages) await scope.register(async (child) => register(child, deps, cache));
  });
}
