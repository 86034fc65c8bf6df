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
 * Why a scrape may not read /metrics (the API's and the worker's alike), or
 * null when it may: anyone may without METRICS_TOKEN; with it, only a
 * request carrying it as a bearer token.
 */
export function metricsRefusal(authorization: string | undefined, metricsToken: string | undefined): { status: 401 | 403; message: string } | null {
  if (!metricsToken) return null;
  const given = bearerOf(authorization);
  if (!given) return { status: 401, message: 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"' };
  return secretsEqual(given, metricsToken) ? null : { status: 403, message: 'That token does not grant access to the metrics' };
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
