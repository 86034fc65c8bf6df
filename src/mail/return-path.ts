import { timingSafeEqual } from 'node:crypto';
import { tokenSignature } from '../tokens/signed-links.js';

/**
 * VERP: with BOUNCE_DOMAIN set, every mail goes out with the envelope sender
 * `bounces+<token>@BOUNCE_DOMAIN`, and a bounce comes back to an address that
 * names exactly one recipient and the mail it answers, so nothing is guessed
 * from the bounce's text.
 *
 * The token is compact because a local part may hold only 64 octets
 * (RFC 5321 4.5.3.1.1), and lower case because relays may fold case:
 * `<kind><recipient id>-<mail id>-<mac>`, ids in base 36 and the mac the
 * first 10 bytes (hex) of the same HMAC that signs link tokens, under the
 * purpose "bounce". It carries row ids rather than public ids (a UUID alone
 * would not fit); it grants nothing but the power to report a bounce of
 * that one mail.
 */

/** What a mail was, by the letter its token starts with. */
export const returnPathKinds = {
  /** A subscriber's weekly digest: the mail id is its `deliveries` row. */
  d: 'digest',
  /** A feed recipient's digest: a `feed_deliveries` row. */
  f: 'feed-digest',
  /** A confirmation or manage mail: a `subscriber_emails` row. */
  c: 'subscriber-mail',
  /** A feed recipient's confirmation: no row of its own (0). */
  r: 'feed-confirm',
  /** A subscriber's alert mail: an `alert_mails` row. */
  a: 'alert',
} as const;

export type ReturnPathKind = (typeof returnPathKinds)[keyof typeof returnPathKinds];

/** Whom a mail went to and which mail it was. */
export interface MailRef {
  kind: ReturnPathKind;
  recipientId: number;
  mailId: number;
}

/** Who a mail's recipient is: a subscriber (digests, sign-up mail) or a feed recipient. */
export function audienceOfMail(kind: ReturnPathKind): 'subscriber' | 'feed recipient' {
  return kind === 'feed-digest' || kind === 'feed-confirm' ? 'feed recipient' : 'subscriber';
}

const letterOf = Object.fromEntries(Object.entries(returnPathKinds).map(([letter, kind]) => [kind, letter])) as Record<ReturnPathKind, string>;
const macBytes = 10;

function mac(secret: string, payload: string): Buffer {
  return tokenSignature(secret, 'bounce', payload).subarray(0, macBytes);
}

export function returnPathToken(secret: string, ref: MailRef): string {
  const payload = `${letterOf[ref.kind]}${ref.recipientId.toString(36)}-${ref.mailId.toString(36)}`;
  return `${payload}-${mac(secret, payload).toString('hex')}`;
}

/** The envelope sender for a mail, or undefined without BOUNCE_DOMAIN (the transport then uses MAIL_FROM, as before). */
export function returnPathFor(settings: ReturnPathSettings, ref: MailRef): string | undefined {
  if (!settings.bounceDomain) return undefined;
  return `bounces+${returnPathToken(settings.tokenSecret, ref)}@${settings.bounceDomain}`;
}

export interface ReturnPathSettings {
  tokenSecret: string;
  /** BOUNCE_DOMAIN, lower case; unset: no VERP. */
  bounceDomain?: string;
}

const tokenPattern = /^([dfcra])([0-9a-z]{1,11})-([0-9a-z]{1,11})-([0-9a-f]{20})$/;

/** The mail a token names when it is one we signed; undefined for anything else. */
export function readReturnPathToken(secret: string, token: string): MailRef | undefined {
  const match = tokenPattern.exec(token.toLowerCase());
  if (!match) return undefined;
  const [, letter, recipient, mail, given] = match as unknown as [string, keyof typeof returnPathKinds, string, string, string];
  const expected = mac(secret, `${letter}${recipient}-${mail}`);
  if (!timingSafeEqual(Buffer.from(given, 'hex'), expected)) return undefined;
  const ref = { kind: returnPathKinds[letter], recipientId: Number.parseInt(recipient, 36), mailId: Number.parseInt(mail, 36) };
  return Number.isSafeInteger(ref.recipientId) && Number.isSafeInteger(ref.mailId) ? ref : undefined;
}

/** The token of a `bounces+<token>@BOUNCE_DOMAIN` address (any case, angle brackets allowed), or undefined. */
export function returnPathTokenOf(address: string, bounceDomain: string | undefined): string | undefined {
  if (!bounceDomain) return undefined;
  const match = /^<?bounces\+([^@\s>]+)@([^>\s]+)>?$/i.exec(address.trim());
  return match && match[2]!.toLowerCase() === bounceDomain ? match[1] : undefined;
}

/** The mail a `bounces+…` address names, when it is genuine. */
export function readReturnPath(settings: ReturnPathSettings, address: string): MailRef | undefined {
  const token = returnPathTokenOf(address, settings.bounceDomain);
  return token === undefined ? undefined : readReturnPathToken(settings.tokenSecret, token);
}
