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
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
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
