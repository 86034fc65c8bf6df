import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { bearerOf, secretsEqual } from '../../tokens/bearer.js';

export function bearerToken(request: FastifyRequest): string | undefined {
  return bearerOf(request.headers.authorization);
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
