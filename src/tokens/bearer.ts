import { createHash, timingSafeEqual } from 'node:crypto';

/** Bearer secrets: the operator token, the metrics token, webhook secrets, compared in constant time. */

function digest(value: string) {
  return createHash('sha256').update(value).digest();
}

/** Compares secrets in constant time, whatever their lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
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
