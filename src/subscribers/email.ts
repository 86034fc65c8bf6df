import { domainToASCII } from 'node:url';

export class EmailAddressError extends Error {
  override readonly name = 'EmailAddressError';
}

/**
 * Checks an address and returns its uniqueness key: local part as given but
 * compared case-insensitively, the domain lower-cased and in punycode (so
 * "ANNA@Bücher.example" and "anna@xn--bcher-kva.example" are one person).
 */
export function emailKey(input: string): string {
  const address = input.trim();
  if (/[\r\n\0]/.test(input)) throw new EmailAddressError('An email address cannot contain line breaks');
  if (address.length > 254) throw new EmailAddressError('An email address has at most 254 characters');
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) throw new EmailAddressError('An email address looks like name@example.org');
  const local = address.slice(0, at);
  const domain = domainToASCII(address.slice(at + 1).toLowerCase());
  if (local.length > 64) throw new EmailAddressError('The part before @ has at most 64 characters');
  if (!/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    throw new EmailAddressError('The part before @ has characters an email address cannot have');
  }
  if (!domain || !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) {
    throw new EmailAddressError('The part after @ is not a valid domain');
  }
  return `${local.toLowerCase()}@${domain}`;
}

