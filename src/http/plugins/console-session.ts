import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession, { type SessionStore } from '@fastify/session';
import type { FastifyInstance, Session } from 'fastify';
import { destroySession, loadSession, saveSession } from '../../console/sessions.js';
import type { AppDeps } from '../deps.js';
import { clockOf } from '../deps.js';

export const sessionCookie = 'cd_console';
const csrfCookie = 'cd_console_csrf';
const consolePath = '/admin';

/** @fastify/session's store over the operator_sessions table: only signed-in sessions are kept. */
function postgresStore(deps: AppDeps): SessionStore {
  const { db } = deps.database;
  const now = clockOf(deps);
  return {
    get(sessionId, callback) {
      loadSession(db, sessionId, now()).then(
        (found) =>
          callback(
            null,
            found
              ? ({ ...found.data, operatorId: found.operator.id, operatorEmail: found.operator.email, operatorRole: found.operator.role } as unknown as Session)
              : null,
          ),
        (error: unknown) => callback(error),
      );
    },
    set(sessionId, session, callback) {
      if (!session.operatorId) return callback();
      const data = JSON.parse(JSON.stringify(session)) as { operatorId: number };
      saveSession(db, sessionId, data, now()).then(() => callback(), (error: unknown) => callback(error));
    },
    destroy(sessionId, callback) {
      destroySession(db, sessionId).then(() => callback(), (error: unknown) => callback(error));
    },
  };
}

const derive = (deps: AppDeps, purpose: string) => createHmac('sha256', deps.tokenSecret).update(`council-digest:console:${purpose}`).digest('base64url');

/**
 * Cookies and the server-side session, registered in the scope that reads
 * them (the console's pages; Bull Board, which signed-in operators open
 * too). The session cookie is HttpOnly, SameSite=Lax, Secure when the
 * request came over https (behind a proxy, X-Forwarded-Proto), sent only
 * to /admin, and dies with the browser; the server ends it after 12 hours
 * idle. Its signing key is derived from TOKEN_SECRET.
 */
export async function registerOperatorSession(app: FastifyInstance, deps: AppDeps) {
  await app.register(fastifyCookie, { secret: derive(deps, 'cookie') });
  await app.register(fastifySession, {
    secret: derive(deps, 'session'),
    cookieName: sessionCookie,
    store: postgresStore(deps),
    saveUninitialized: false,
    // The idle limit lives in the table (loading a session moves it), so an
    // unchanged session is not written back and the cookie, which lasts as
    // long as the browser, is not set again on every answer.
    rolling: false,
    cookie: { path: consolePath, httpOnly: true, sameSite: 'lax', secure: 'auto' },
  });
}

/** The session, and CSRF protection for the console's forms (its cookie's key also derived from TOKEN_SECRET). */
export async function registerConsoleSession(app: FastifyInstance, deps: AppDeps) {
  await registerOperatorSession(app, deps);
  await app.register(fastifyCsrf, {
    cookieKey: csrfCookie,
    cookieOpts: { path: consolePath, httpOnly: true, sameSite: 'strict', signed: true, secure: 'auto' },
  });
  // Every form post checks its token, after the role guard and once the body is read.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST') return done();
    app.csrfProtection(request, reply, done);
  });
}
