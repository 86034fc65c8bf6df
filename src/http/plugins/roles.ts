import type {} from '@fastify/session';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiToken } from '../../console/api-tokens.js';
import { adminTokenActor, operatorActor, recordAudit, type Actor, type AuditEntry } from '../../console/audit.js';
import { maskAddress, roleIncludes, type OperatorRole } from '../../console/operators.js';
import { apiTokenPrefix } from '../../tokens/operator-keys.js';
import type { AppDeps } from '../deps.js';
import { clockOf } from '../deps.js';
import { ApiError } from '../errors.js';
import { bearerToken } from './auth.js';
import { secretsEqual } from '../../tokens/bearer.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route needs; a route under a role guard without one needs an owner. */
    role?: OperatorRole;
    /** A console page: without a session it sends the browser to sign in rather than answering 401. */
    consolePage?: boolean;
  }
  interface Session {
    operatorId?: number;
    /** Refreshed from the operators table each time the session loads, so a role change applies at once. */
    operatorEmail?: string;
    operatorRole?: OperatorRole;
  }
}

export const signInPath = '/admin/sign-in';

const actors = new WeakMap<FastifyRequest, Actor>();

/** Who a request passed the role guard as, if it went through one. */
export function findActor(request: FastifyRequest): Actor | undefined {
  return actors.get(request);
}

/** Who a request passed the role guard as; only routes behind `requireRole` have one. */
export function actorOf(request: FastifyRequest): Actor {
  const actor = actors.get(request);
  if (!actor) throw new Error(`${request.routeOptions.url} has no role guard`);
  return actor;
}

/** How a request may see an address: whole for operators and owners, masked (a***@example.org) for viewers. */
export function addressView(request: FastifyRequest): (address: string) => string {
  return actorOf(request).role === 'viewer' ? maskAddress : (address) => address;
}

/** One audit row for what this request changed, as its actor, from its client's address. */
export async function audit(deps: Pick<AppDeps, 'database' | 'now'>, request: FastifyRequest, entry: AuditEntry): Promise<void> {
  await recordAudit(deps.database.db, actorOf(request), entry, { ip: request.ip, at: clockOf(deps)() });
}

/** The signed-in operator of a console session, when the session plugin runs in this scope. */
function sessionActor(request: FastifyRequest): Actor | undefined {
  const session = (request as { session?: FastifyRequest['session'] | null }).session;
  if (!session?.operatorId || !session.operatorEmail || !session.operatorRole) return undefined;
  return operatorActor({ id: session.operatorId, email: session.operatorEmail, role: session.operatorRole, emailKey: '', createdAt: new Date(0) });
}

async function identify(deps: AppDeps, request: FastifyRequest): Promise<Actor | undefined> {
  const token = bearerToken(request);
  if (token === undefined) return sessionActor(request);
  const adminToken = deps.config.ADMIN_TOKEN;
  if (adminToken && secretsEqual(token, adminToken)) return adminTokenActor;
  if (apiTokenPrefix(token)) {
    const found = await authenticateApiToken(deps.database.db, token, clockOf(deps)());
    if (found) return operatorActor(found.operator, found.tokenName);
  }
  if (!adminToken) throw new ApiError(503, 'The shared operator token is switched off: set ADMIN_TOKEN, or use a personal API token');
  throw new ApiError(403, 'That token does not grant operator access');
}

/**
 * The guard of every operator route and console page. It takes, in turn:
 * a bearer token (ADMIN_TOKEN, acting as an owner named "admin-token", or a
 * personal API token with its operator's role), else the console session.
 * The route's `config.role` names the least role it needs (owner when
 * unsaid, so a forgotten one fails closed). No credentials answer 401 (a
 * console page sends the browser to sign in); too small a role answers 403,
 * and is logged and written to the audit log. It runs before any body is read.
 */
export function requireRole(deps: AppDeps, fixed?: OperatorRole) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    const required = fixed ?? config.role ?? 'owner';
    const actor = await identify(deps, request);
    if (!actor) {
      if (config.consolePage) return reply.redirect(signInPath, 303);
      throw new ApiError(401, 'Send an operator token as "Authorization: Bearer <token>" (ADMIN_TOKEN or a personal API token)');
    }
    actors.set(request, actor);
    if (!roleIncludes(actor.role, required)) {
      request.log.warn({ actor: actor.name, role: actor.role, required, route: `${request.method} ${request.routeOptions.url}` }, 'operator action forbidden');
      await audit(deps, request, { action: 'forbidden', objectType: 'route', objectId: `${request.method} ${request.routeOptions.url}`, detail: { role: actor.role, required } });
      throw new ApiError(403, `This needs the ${required} role; you are signed in as ${actor.role === 'viewer' ? 'a' : 'an'} ${actor.role}`);
    }
    return undefined;
  };
}
