import { domainToASCII } from 'node:url';

export class EmailAddressError extends Error {
  override readonly name = 'EmailAddressError';
}

/**
 * Any space, line or paragraph separator, control, format (zero-width,
 * bidi), private-use or unassigned character. Mail libraries read a string
 * with one of them as "display name <address>": `x\u2028victim@example.org`
 * went to victim@example.org.
 */
const invisible = /[\p{Z}\p{C}]/u;

/** What a local part may hold: RFC 5322 atext and dots, and beyond ASCII only letters, marks and digits (RFC 6531 allows more; no mailbox needs it). */
const localPart = /^(?:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]|[\p{L}\p{M}\p{N}])+$/u;

/** Scripts a local part's letters are told apart by; a letter of none of these counts as "other". */
const scripts = ['Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Devanagari', 'Bengali', 'Tamil', 'Thai', 'Georgian', 'Ethiopic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo'] as const;
const scriptPatterns = scripts.map((script) => [script, new RegExp(`\\p{Script_Extensions=${script}}`, 'u')] as const);
/** Scripts written together (UTS #39's "highly restrictive" level): Japanese, Chinese and Korean with Latin. */
const writtenTogether = [new Set(['Latin', 'Han', 'Hiragana', 'Katakana']), new Set(['Latin', 'Han', 'Bopomofo']), new Set(['Latin', 'Han', 'Hangul'])];

/**
 * Whether a local part's letters come from one script (or one of the sets
 * written together). A mixed one such as "pаypal" with a Cyrillic "а" is
 * refused, not normalised: it is a different mailbox from the one it looks
 * like, and rewriting it would mail someone other than whoever typed it,
 * the very fault this check is for. Nobody's genuine address mixes Latin
 * and Cyrillic letters.
 */
function singleScript(local: string): boolean {
  const found = new Set<string>();
  for (const char of local) {
    if (!/\p{L}/u.test(char)) continue;
    const matching = scriptPatterns.filter(([, pattern]) => pattern.test(char)).map(([script]) => script);
    // A letter in several scripts' extensions (a Han ideograph used in Japanese) counts with the first already seen, if any.
    const known = matching.find((script) => found.has(script)) ?? matching[0] ?? 'other';
    found.add(known);
  }
  if (found.size <= 1) return true;
  return writtenTogether.some((set) => [...found].every((script) => set.has(script)));
}

/**
 * Checks an address and returns its uniqueness key: local part as given but
 * compared case-insensitively (and in Unicode's composed form), the domain
 * lower-cased and in punycode (so "ANNA@Bücher.example" and
 * "anna@xn--bcher-kva.example" are one person). Only what can be one
 * mailbox passes: every entry point (sign-up, imports, operators, partners'
 * feeds, suppressions) checks through here.
 */
export function emailKey(input: string): string {
  const address = input.trim();
  if (/[\r\n\0]/.test(input)) throw new EmailAddressError('An email address cannot contain line breaks');
  if (invisible.test(address)) throw new EmailAddressError('An email address cannot contain spaces, separators or invisible characters');
  if (address.length > 254) throw new EmailAddressError('An email address has at most 254 characters');
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) throw new EmailAddressError('An email address looks like name@example.org');
  const local = address.slice(0, at).normalize('NFC');
  const domain = domainToASCII(address.slice(at + 1).toLowerCase());
  if (local.length > 64) throw new EmailAddressError('The part before @ has at most 64 characters');
  if (!localPart.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    throw new EmailAddressError('The part before @ has characters an email address cannot have');
  }
  if (!singleScript(local)) throw new EmailAddressError('The part before @ mixes letters of different scripts, as look-alike addresses do');
  if (!domain || !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) {
    throw new EmailAddressError('The part after @ is not a valid domain');
  }
  return `${local.toLowerCase()}@${domain}`;
}
