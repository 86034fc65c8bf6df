import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Cross-site form protection without cookies or sessions: each form carries
 * a hidden token binding its action path to the time it was rendered,
 * signed with the link-token secret; and a browser that says where a post
 * came from (Origin, else Referer) must say it came from this site.
 */

export const formTokenField = '_csrf';

/** A form left open longer than this must be reloaded. */
const formTokenHours = 12;

function sign(secret: string, action: string, issuedAt: number): Buffer {
  return createHmac('sha256', secret).update(`council-digest:form:${action}:${issuedAt}`).digest();
}

export function formToken(secret: string, action: string, now = new Date()): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return `${issuedAt}.${sign(secret, action, issuedAt).toString('base64url')}`;
}

export function formTokenValid(secret: string, action: string, token: unknown, now = new Date()): boolean {
  if (typeof token !== 'string') return false;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const issuedAt = Number(match[1]);
  const age = now.getTime() / 1000 - issuedAt;
  // A little slack for clocks between several app servers.
  if (age < -300 || age > formTokenHours * 3600) return false;
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = sign(secret, action, issuedAt);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * True unless the browser names another site as the form's origin. The
 * public base URL and the host the request came to (behind a proxy, its
 * forwarded host) both count as this site.
 */
export function fromThisSite(request: FastifyRequest, publicBaseUrl: string): boolean {
  const claimed = request.headers.origin ?? request.headers.referer;
  if (claimed === undefined) return true;
  let origin: string;
  try {
    origin = new URL(claimed).origin;
  } catch {
    return false;
  }
  return origin === new URL(publicBaseUrl).origin || origin === `${request.protocol}://${request.host}`;
}
