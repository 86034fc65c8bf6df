import { describe, expect, it } from 'vitest';
import { emailKey, EmailAddressError } from '../../src/subscribers/email.js';
import { subscriberLinks, webcalUrl } from '../../src/subscribers/links.js';
import { signToken, TokenError, verifyToken } from '../../src/tokens/signed-links.js';

const secret = 'unit-test-secret-0123456789abcdef0123456789';
const subject = { publicId: '6f1c2a4e-3b5d-4c7e-9f80-123456789abc', tokenVersion: 3 };

function problemOf(work: () => unknown) {
  try {
    work();
  } catch (error) {
    if (error instanceof TokenError) return error.problem;
    throw error;
  }
  return 'none';
}

const tokenOf = (url: string) => url.split('/').at(-1)!;

describe('link tokens', () => {
  it('carry the purpose, the public id and the version, and nothing else about the subscriber', () => {
    const token = tokenOf(subscriberLinks('https://x', secret, subject).manage());
    expect(verifyToken(secret, token, 'manage')).toEqual({ purpose: 'manage', subject: subject.publicId, version: 3 });
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).not.toMatch(/@/);
  });

  it('are refused when signed with another key', () => {
    const token = signToken('another-secret-0123456789abcdef0123456', { purpose: 'manage', subject: subject.publicId, version: 3 });
    expect(problemOf(() => verifyToken(secret, token, 'manage'))).toBe('forged');
  });

  it('are refused when any character of the payload is changed', () => {
    const token = tokenOf(subscriberLinks('https://x', secret, subject).manage());
    const [payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const raised = Buffer.from(JSON.stringify({ ...claims, v: 4 })).toString('base64url');
    expect(problemOf(() => verifyToken(secret, `${raised}.${signature}`, 'manage'))).toBe('forged');
  });

  it('are refused on a page they were not made for', () => {
    const token = tokenOf(subscriberLinks('https://x', secret, subject).manage());
    expect(problemOf(() => verifyToken(secret, token, 'unsubscribe'))).toBe('wrong-purpose');
  });

  it('make confirmation links that expire after seven days, and re-subscribe links after thirty', () => {
    const issued = new Date('2025-06-01T12:00:00Z');
    const links = subscriberLinks('https://x', secret, subject, issued);
    const day = (n: number) => new Date(issued.getTime() + n * 86_400_000);
    expect(problemOf(() => verifyToken(secret, tokenOf(links.confirm()), 'confirm', day(6.9)))).toBe('none');
    expect(problemOf(() => verifyToken(secret, tokenOf(links.confirm()), 'confirm', day(7.1)))).toBe('expired');
    expect(problemOf(() => verifyToken(secret, tokenOf(links.resubscribe()), 'resubscribe', day(29)))).toBe('none');
    expect(problemOf(() => verifyToken(secret, tokenOf(links.resubscribe()), 'resubscribe', day(31)))).toBe('expired');
  });

  it('are refused when damaged', () => {
    for (const token of ['', 'abc', 'a.b', `${'A'.repeat(3000)}.${'B'.repeat(43)}`]) {
      expect(problemOf(() => verifyToken(secret, token, 'manage'))).toBe('malformed');
    }
  });
});

describe('webcal:// links', () => {
  it('are the https (or http) address of a feed with the scheme swapped, host, path and query kept', () => {
    const feed = subscriberLinks('https://digest.example.org', secret, subject).calendar();
    expect(webcalUrl(feed)).toBe(`webcal://digest.example.org/calendar/${tokenOf(feed)}`);
    expect(webcalUrl('HTTP://localhost:3000/calendar/councils/dacorum.ics?x=1')).toBe('webcal://localhost:3000/calendar/councils/dacorum.ics?x=1');
  });

  it('refuse anything that is not an absolute http(s) address', () => {
    for (const bad of ['/calendar/councils/dacorum.ics', 'webcal://digest.example.org/a.ics', 'ftp://example.org/a.ics', 'https:///a.ics', 'javascript:alert(1)']) {
      expect(() => webcalUrl(bad), bad).toThrow(TypeError);
    }
  });
});

describe('email addresses', () => {
  it('key case-insensitively with the domain in punycode', () => {
    expect(emailKey('  Anna.Smith@Bücher.Example ')).toBe('anna.smith@xn--bcher-kva.example');
    expect(emailKey('anna.smith@XN--BCHER-KVA.example')).toBe('anna.smith@xn--bcher-kva.example');
  });

  it.each([
    ['header injection', 'a@example.org\r\nBcc: b@example.org'],
    ['a bare line feed', 'a@example.org\nx'],
    ['no domain', 'a@'],
    ['no local part', '@example.org'],
    ['a domain without a dot', 'a@localhost'],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.org`],
    ['an address over 254 characters', `a@${'b'.repeat(250)}.org`],
    ['two dots in a row', 'a..b@example.org'],
    ['spaces', 'a b@example.org'],
  ])('refuses %s', (_name, address) => {
    expect(() => emailKey(address)).toThrow(EmailAddressError);
  });

  // Each of these was read by the mail library as "display name <victim@example.org>" and mailed there.
  it.each([
    ['a line separator', 'x\u2028victim@example.org'],
    ['a paragraph separator', 'y\u2029victim@example.org'],
    ['a no-break space', 'z\u00a0victim@example.org'],
    ['an ideographic space', 'w\u3000victim@example.org'],
    ['a next-line control', 'v\u0085victim@example.org'],
    ['a zero-width space', 'u\u200bvictim@example.org'],
    ['a right-to-left override', 't\u202evictim@example.org'],
    ['a byte-order mark', 's\ufeffvictim@example.org'],
    ['a no-break space in the domain', 'victim@example\u00a0.org'],
    ['a private-use character', 'r\ue000victim@example.org'],
  ])('refuses %s inside an address', (_name, address) => {
    expect(() => emailKey(address)).toThrow(EmailAddressError);
  });

  it('refuses a local part mixing look-alike scripts, and takes one written in a single script', () => {
    expect(() => emailKey('p\u0430ypal@example.org')).toThrow(/mixes letters of different scripts/);
    expect(() => emailKey('\u03bflga@example.org')).toThrow(/mixes letters/);
    expect(emailKey('\u0430\u043d\u043d\u0430@example.org')).toBe('\u0430\u043d\u043d\u0430@example.org');
    expect(emailKey('jos\u00e9@example.org')).toBe('jos\u00e9@example.org');
    expect(emailKey('\u7528\u6237@example.org')).toBe('\u7528\u6237@example.org');
    expect(emailKey('tanaka\u3068\u7530\u4e2d@example.jp')).toBe('tanaka\u3068\u7530\u4e2d@example.jp');
  });

  it('keys the composed and decomposed spellings of one local part as one address', () => {
    expect(emailKey('jose\u0301@example.org')).toBe(emailKey('jos\u00e9@example.org'));
  });
});
