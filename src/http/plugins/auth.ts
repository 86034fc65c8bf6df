import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

function digest(value: string) {
  return createHash('sha256').update(value).digest();
}

/** Compares secrets in constant time, whatever their lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function bearerToken(request: FastifyRequest): string | undefined {
  return bearerOf(request.headers.authorization);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Whether a scrape may read /metrics (the API's and the worker's alike):
 * anyone without METRICS_TOKEN; with it, only a request carrying it as a
 * bearer token. Answers the HTTP status to give.
 */
export function metricsAccess(authorization: string | undefined, metricsToken: string | undefined): 200 | 401 | 403 {
  if (!metricsToken) return 200;
  const given = bearerOf(authorization);
  if (!given) return 401;
  return secretsEqual(given, metricsToken) ? 200 : 403;
}

/**
 * A preHandler for operator routes. With no ADMIN_TOKEN configured they are
 * switched off (503) rather than open.
 */
export function requireAdmin(adminToken: string | undefined) {
  return async (request: FastifyRequest) => {
    if (!adminToken) {
      throw new ApiError(503, 'Operator routes are disabled: set ADMIN_TOKEN to enable them');
    }
    const token = bearerToken(request);
    if (!token) throw new ApiError(401, 'Send the operator token as "Authorization: Bearer <ADMIN_TOKEN>"');
    if (!secretsEqual(token, adminToken)) throw new ApiError(403, 'That token does not grant operator access');
  };
}
