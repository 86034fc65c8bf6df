import { describe, expect, it } from 'vitest';
import { atomTokenPattern, generateAtomToken, generatePartnerKey, matchesHash, partnerKeyPrefix, sha256 } from '../../src/tokens/keys.js';

describe('partner keys', () => {
  it('look like cdp_<8-character prefix>_<32 random bytes in base64url>', () => {
    const { key, prefix } = generatePartnerKey();
    expect(key).toMatch(/^cdp_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`cdp_${prefix}_`)).toBe(true);
    expect(Buffer.from(key.split('_').slice(2).join('_'), 'base64url')).toHaveLength(32);
  });

  it('are stored as a sha256 of the whole key, never the key itself', () => {
    const { key, hash } = generatePartnerKey();
    expect(hash).toBe(sha256(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('match their hash, and nothing else does', () => {
    const { key, hash } = generatePartnerKey();
    expect(matchesHash(key, hash)).toBe(true);
    expect(matchesHash(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, hash)).toBe(false);
    expect(matchesHash(key, 'not hex')).toBe(false);
  });

  it('are never the same twice', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generatePartnerKey().key));
    expect(keys.size).toBe(200);
  });

  it('give their prefix only when well formed, so an operator token is not mistaken for one', () => {
    const { key, prefix } = generatePartnerKey();
    expect(partnerKeyPrefix(key)).toBe(prefix);
    expect(partnerKeyPrefix('test-operator-token-0123456789')).toBeUndefined();
    expect(partnerKeyPrefix(`${key}x`)).toBeUndefined();
    expect(partnerKeyPrefix(key.replace('cdp_', 'cdx_'))).toBeUndefined();
  });
});

describe('Atom URL tokens', () => {
  it('are 32 random bytes in base64url, kept as a sha256', () => {
    const { token, hash } = generateAtomToken();
    expect(token).toMatch(atomTokenPattern);
    expect(matchesHash(token, hash)).toBe(true);
    expect(generateAtomToken().token).not.toBe(token);
  });
});
