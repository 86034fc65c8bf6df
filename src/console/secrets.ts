import { randomBytes } from 'node:crypto';
import { sha256 } from '../feeds/secrets.js';

/** `cdo_` + 8 hex characters (the prefix the row is found by) + `_` + 43 base64url characters. */
const apiTokenPattern = /^cdo_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

/** A personal API token: shown once, kept as its prefix and a sha256. */
export function generateApiToken(): { token: string; prefix: string; hash: string } {
  const prefix = randomBytes(4).toString('hex');
  const token = `cdo_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, prefix, hash: sha256(token) };
}

export function apiTokenPrefix(token: string): string | undefined {
  return apiTokenPattern.exec(token)?.[1];
}

/** The secret of an emailed sign-in link, and the hash the database keeps. */
export function generateSignInToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}

export const signInTokenPattern = /^[A-Za-z0-9_-]{43}$/;

export { sha256 };
