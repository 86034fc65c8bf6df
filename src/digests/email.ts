import type { RenderedEmail, Templates } from '../mail/templates.js';
import { subscriberLinks, unsubscribeMailto, type LinkSubject } from '../subscribers/links.js';
import type { DigestContent } from './compose.js';
import type { Week } from './week.js';

/** One recipient's digest: the shared content plus their own links. */
export interface DigestEmail extends DigestContent {
  recipient: string;
  links: { manage: string; unsubscribe: string; view: string; home: string };
}

declare module '../mail/templates.js' {
  interface TemplateData {
    digest: DigestEmail;
  }
}

export interface MailSettings {
  /** PUBLIC_BASE_URL. */
  baseUrl: string;
  /** MAIL_FROM: its domain names Message-IDs, List-Id and the mailto unsubscribe. */
  mailFrom: string;
  tokenSecret: string;
}

export interface Recipient extends LinkSubject {
  email: string;
}

export function senderDomain(mailFrom: string): string {
  return /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1]?.toLowerCase() ?? 'localhost';
}

/**
 * Derived from (subscriber, week), never random: if a worker dies between
 * the SMTP server's accept and the database write, the resend carries the
 * same Message-ID and mailbox providers fold the two into one.
 */
export function digestMessageId(publicId: string, week: Week, mailFrom: string): string {
  return `<digest.${publicId}.${week}@${senderDomain(mailFrom)}>`;
}

export function digestEmail(settings: MailSettings, content: DigestContent, recipient: Recipient): DigestEmail {
  const links = subscriberLinks(settings.baseUrl, settings.tokenSecret, recipient);
  return {
    ...content,
    recipient: recipient.email,
    links: { manage: links.manage(), unsubscribe: links.unsubscribe(), view: links.digest(content.week), home: settings.baseUrl },
  };
}

/**
 * RFC 2369 and RFC 8058 headers: mail clients show an unsubscribe button and
 * POST to the https URL. List-Unsubscribe-Post goes through `headers` because
 * nodemailer's `list` option cannot emit it.
 */
export function digestHeaders(settings: MailSettings, email: DigestEmail, recipient: Recipient): Record<string, string> {
  const mailto = unsubscribeMailto(settings.mailFrom, settings.tokenSecret, recipient);
  return {
    'List-Unsubscribe': `<${email.links.unsubscribe}>, <${mailto}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': `Council Digest weekly <weekly.${senderDomain(settings.mailFrom)}>`,
    'X-Digest-Week': email.week,
  };
}

export function renderDigest(templates: Templates, email: DigestEmail): RenderedEmail {
  return templates.render('digest', email);
}
