import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The two secrets a partner holds: API keys and Atom URL tokens. Both are
 * 32 random bytes, shown once and kept only as a sha256, so a database leak
 * gives nobody a working key or feed URL.
 */

export interface NewPartnerKey {
  /** The whole key: given to the operator once, never stored. */
  key: string;
  prefix: string;
  hash: string;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares a secret with a stored sha256 in constant time. */
export function matchesHash(secret: string, storedHash: string): boolean {
  const given = Buffer.from(sha256(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A bearer key `<tag>_` + 8 hex characters (the visible prefix its row is
 * found by) + `_` + 43 base64url characters: partners' keys (`cdp`) and
 * operators' personal API tokens (`cdo`).
 */
export function generatePrefixedKey(tag: string): NewPartnerKey {
  const prefix = randomBytes(4).toString('hex');
  const key = `${tag}_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: sha256(key) };
}

/** The prefix of a well-formed key with this tag, or undefined for anything else (another kind of token, a typo). */
export function prefixedKeyPrefix(tag: string, key: string): string | undefined {
  if (!key.startsWith(`${tag}_`)) return undefined;
  return /^([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/.exec(key.slice(tag.length + 1))?.[1];
}

export function generatePartnerKey(): NewPartnerKey {
  return generatePrefixedKey('cdp');
}

/** The prefix of a well-formed partner key, or undefined for anything else (an operator token, a typo). */
export function partnerKeyPrefix(key: string): string | undefined {
  return prefixedKeyPrefix('cdp', key);
}

/** A new secret for an Atom URL, and the hash the feed keeps. */
export function generateAtomToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}

export const atomTokenPattern = /^[A-Za-z0-9_-]{43}$/;
