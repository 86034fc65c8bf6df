import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { authenticatePartner, type AuthenticatedPartner } from '../../feeds/partners.js';
import { ApiError } from '../errors.js';
import { bearerToken } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requirePartner on partner routes: whose key signed the request. */
    partner?: AuthenticatedPartner;
  }
}

/**
 * A preHandler for partner routes. Every refusal is the same 401 (no key,
 * a malformed one, an unknown or revoked one), so a caller learns nothing
 * about which keys exist. The key is never logged: the logger redacts the
 * authorization header and nothing here writes the key anywhere.
 */
export function requirePartner(db: Db, now: () => Date) {
  return async (request: FastifyRequest) => {
    const key = bearerToken(request);
    if (!key) throw new ApiError(401, 'Send your partner key as "Authorization: Bearer cdp_..."');
    const result = await authenticatePartner(db, key, now());
    if (typeof result === 'string') {
      request.log.info({ refusal: result }, 'partner key refused');
      throw new ApiError(401, 'That partner key is not valid, or has been revoked');
    }
    request.partner = result;
  };
}

/** The partner of a request that passed requirePartner. */
export function partnerOf(request: FastifyRequest): AuthenticatedPartner {
  if (!request.partner) throw new ApiError(401, 'Send your partner key as "Authorization: Bearer cdp_..."');
  return request.partner;
}
