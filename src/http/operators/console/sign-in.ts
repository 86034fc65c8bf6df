import type { FastifyInstance, onRequestHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { operatorActor, recordAudit } from '../../../console/audit.js';
import { mailSignInLink } from '../../../console/emails.js';
import { issueSignInLink, redeemSignInLink } from '../../../console/sign-in.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { badSignInLinkPage, checkInboxPage, confirmSignInPage, signInPage } from './sign-in-page.js';
import { sendPage } from '../../html/support.js';
import { signInPath } from '../../plugins/roles.js';

const tokenParams = z.object({ token: z.string().max(200) });

/**
 * Signing in by emailed link, and out. The answer to a sign-in request is
 * the same page whether or not the address is an operator's, and the mail
 * goes out after it, so its timing tells nothing either.
 */
export async function consoleSignInRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const now = clockOf(deps);
  const mail = deps.consoleMail;
  const window = deps.config.CONSOLE_SIGN_IN_WINDOW_MINUTES * 60_000;
  const perIp = app.rateLimit({
    max: deps.config.CONSOLE_SIGN_IN_PER_IP,
    timeWindow: window,
    keyGenerator: (request) => `console-sign-in:ip:${request.ip}`,
    errorResponseBuilder: (_request, context) => new ApiError(429, `Too many sign-in requests from your network: try again in ${context.after}.`),
  }) as onRequestHookHandler;
  // The plugin runs one limiter per request as a hook; this second one, on the address in the body, is checked by hand.
  const addressLimit = app.createRateLimit({
    max: deps.config.CONSOLE_SIGN_IN_PER_ADDRESS,
    timeWindow: window,
    keyGenerator: (request) => `console-sign-in:address:${String((request.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase()}`,
  });
  const perAddress: preHandlerAsyncHookHandler = async (request, reply) => {
    const limit = await addressLimit(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header('retry-after', String(limit.ttlInSeconds));
    throw new ApiError(429, `Too many sign-in requests for that address: try again in ${Math.ceil(limit.ttlInSeconds / 60)} minutes.`);
  };

  const context = (reply: { generateCsrf(): string }) => ({ actor: null, csrf: reply.generateCsrf() });

  routes.get(signInPath, { schema: { hide: true } }, async (request, reply) => {
    if (request.session.operatorId) return reply.redirect('/admin', 303);
    return sendPage(reply, 200, signInPage(context(reply)));
  });

  routes.post(
    signInPath,
    { schema: { hide: true, body: z.object({ email: z.string().max(1000).default('') }).passthrough() }, onRequest: perIp, preHandler: perAddress },
    async (request, reply) => {
      const email = request.body.email.trim();
      if (!email) return sendPage(reply, 400, signInPage(context(reply), { notice: 'Enter your email address.' }));
      const link = await issueSignInLink(db, email, now());
      if (link) void mailSignInLink(mail, link.operator, link.token);
      return sendPage(reply, 200, checkInboxPage(context(reply)));
    },
  );

  routes.get(`${signInPath}/:token`, { schema: { hide: true, params: tokenParams } }, async (request, reply) =>
    sendPage(reply, 200, confirmSignInPage(context(reply), `${signInPath}/${request.params.token}`)),
  );

  routes.post(`${signInPath}/:token`, { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const operator = await redeemSignInLink(db, request.params.token, now());
    if (!operator) return sendPage(reply, 400, badSignInLinkPage(context(reply)));
    // A fresh session id at sign-in: one planted before it is worth nothing.
    await request.session.regenerate();
    request.session.operatorId = operator.id;
    request.session.operatorEmail = operator.email;
    request.session.operatorRole = operator.role;
    await recordAudit(db, operatorActor(operator), { action: 'session.sign-in', objectType: 'operator', objectId: operator.email }, { ip: request.ip, at: now() });
    return reply.redirect('/admin', 303);
  });

  routes.post('/admin/sign-out', { schema: { hide: true } }, async (request, reply) => {
    if (request.session.operatorId) {
      const { operatorId, operatorEmail, operatorRole } = request.session;
      await recordAudit(
        db,
        operatorActor({ id: operatorId, email: operatorEmail ?? '', role: operatorRole ?? 'viewer', emailKey: '', createdAt: new Date(0) }),
        { action: 'session.sign-out', objectType: 'operator', objectId: operatorEmail ?? null },
        { ip: request.ip, at: now() },
      );
      await request.session.destroy();
    }
    return sendPage(reply, 200, signInPage(context(reply), { notice: 'You have signed out.' }));
  });
}
