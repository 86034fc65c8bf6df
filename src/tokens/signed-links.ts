import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Link tokens: what every emailed link carries instead of an id. A token is
 * `payload.signature`, both base64url; the payload names a purpose, the
 * subscriber's random public id, the token version (bumped by unsubscribe
 * and erase, so old links die) and an expiry; the signature is an HMAC over
 * the purpose and payload, compared in constant time.
 */
/** Confirmation links are valid this long; other links until the version changes. */
export const confirmLinkDays = 7;

/** The re-subscribe button on the unsubscribe confirmation page works this long. */
export const resubscribeLinkDays = 30;

export const tokenPurposes = ['confirm', 'manage', 'unsubscribe', 'resubscribe', 'digest', 'feed-confirm', 'feed-unsubscribe', 'calendar', 'follow'] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

export interface TokenClaims {
  purpose: TokenPurpose;
  /** The subscriber's (or feed recipient's) public id. */
  subject: string;
  version: number;
  /** Seconds since the epoch; absent: no expiry. */
  expiresAt?: number;
  /** Purpose-specific context, such as the week of a digest. */
  context?: string;
}

/** revoked: genuine, but issued before an unsubscribe or erasure bumped the version. */
export type TokenProblem = 'malformed' | 'forged' | 'wrong-purpose' | 'expired' | 'revoked';

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly problem: TokenProblem) {
    super(
      {
        malformed: 'This link is incomplete or damaged.',
        forged: 'This link is not one we sent.',
        'wrong-purpose': 'This link is for something else.',
        expired: 'This link has expired.',
        revoked: 'This link no longer works.',
      }[problem],
    );
  }
}

interface Payload {
  p: TokenPurpose;
  s: string;
  v: number;
  e?: number;
  c?: string;
}

/**
 * The secret as a key object, made once: a string key is turned into one on
 * every createHmac, and a digest signs three links (a quarter of an HMAC's
 * cost). A process has one secret; a test may use a few.
 */
let signingKey: { secret: string; key: KeyObject } | undefined;

function keyOf(secret: string): KeyObject {
  if (signingKey?.secret !== secret) signingKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return signingKey.key;
}

/** The HMAC every token is signed with, over its purpose and payload; the return path (src/inbound) signs its compact tokens with it too. */
export function tokenSignature(secret: string, purpose: string, payload: string): Buffer {
  return createHmac('sha256', keyOf(secret)).update(`council-digest:${purpose}:${payload}`).digest();
}

/**
 * A link's signature is the HMAC's first 16 bytes (128 bits, as RFC 2104
 * allows), 22 base64url characters. The whole 32 bytes, 43 characters, read
 * as a run of random letters and digits that SpamAssassin's __BITCOIN_ID rule
 * took for a Bitcoin address about once in 3,000 links, scoring the mail
 * (PDS_BTC_ID); no run of 22 can. Links signed whole before still verify.
 */
const tagBytes = 16;

export function signToken(secret: string, claims: TokenClaims): string {
  const payload: Payload = { p: claims.purpose, s: claims.subject, v: claims.version };
  if (claims.expiresAt !== undefined) payload.e = claims.expiresAt;
  if (claims.context !== undefined) payload.c = claims.context;
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${tokenSignature(secret, claims.purpose, encoded).subarray(0, tagBytes).toString('base64url')}`;
}

/**
 * A genuine token's claims, whatever its purpose: a TokenError when it is
 * damaged or forged. For a caller that acts on the purpose it finds (one
 * unsubscribe link for subscribers and feed recipients alike); it still
 * checks the purpose and the expiry with `checkClaims`.
 */
export function readToken(secret: string, token: string): TokenClaims {
  const match = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{22}|[A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new TokenError('malformed');
  const [, encoded, given] = match as unknown as [string, string, string];
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Payload;
  } catch {
    throw new TokenError('malformed');
  }
  if (!payload || typeof payload !== 'object' || typeof payload.p !== 'string' || typeof payload.s !== 'string' || !Number.isInteger(payload.v)) {
    throw new TokenError('malformed');
  }
  const givenBytes = Buffer.from(given, 'base64url');
  // The signature is checked against the purpose the token claims, then the purpose against the route's.
  const expected = tokenSignature(secret, payload.p, encoded).subarray(0, given.length === 22 ? tagBytes : undefined);
  if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) throw new TokenError('forged');
  // Re-encoding must give the same text: the last base64url character of each part has spare bits, and a
  // link whose spare bits were changed is not one we sent.
  if (givenBytes.toString('base64url') !== given || Buffer.from(encoded, 'base64url').toString('base64url') !== encoded) {
    throw new TokenError('forged');
  }
  return {
    purpose: payload.p,
    subject: payload.s,
    version: payload.v,
    ...(payload.e !== undefined ? { expiresAt: payload.e } : {}),
    ...(payload.c !== undefined ? { context: payload.c } : {}),
  };
}

/** A genuine token's claims when they are meant for `purpose` and in date; otherwise a TokenError. */
export function checkClaims(claims: TokenClaims, purpose: TokenPurpose, now = new Date()): TokenClaims {
  if (claims.purpose !== purpose) throw new TokenError('wrong-purpose');
  if (claims.expiresAt !== undefined && claims.expiresAt * 1000 < now.getTime()) throw new TokenError('expired');
  return claims;
}

/** The token's claims when it is genuine, meant for `purpose` and in date; otherwise a TokenError. */
export function verifyToken(secret: string, token: string, purpose: TokenPurpose, now = new Date()): TokenClaims {
  return checkClaims(readToken(secret, token), purpose, now);
}
