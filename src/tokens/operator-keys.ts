import { randomBytes } from 'node:crypto';
import { generatePrefixedKey, prefixedKeyPrefix, sha256 } from './keys.js';

/** A personal API token, `cdo_<8 hex>_<43 base64url>`: shown once, kept as its prefix and a sha256. */
export function generateApiToken(): { token: string; prefix: string; hash: string } {
  const { key, prefix, hash } = generatePrefixedKey('cdo');
  return { token: key, prefix, hash };
}

export function apiTokenPrefix(token: string): string | undefined {
  return prefixedKeyPrefix('cdo', token);
}

/**
 * The secret of an emailed sign-in link (168 random bits, 28 base64url
 * characters: fewer than SpamAssassin's Bitcoin-address rule needs, see
 * signed-links.ts), and the hash the database keeps.
 */
export function generateSignInToken(): { token: string; hash: string } {
  const token = randomBytes(21).toString('base64url');
  return { token, hash: sha256(token) };
}

/** 28 characters; 43 for links mailed before (they last 15 minutes). */
export const signInTokenPattern = /^(?:[A-Za-z0-9_-]{28}|[A-Za-z0-9_-]{43})$/;

export { sha256 };
