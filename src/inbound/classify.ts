import type { ParsedMail } from 'mailparser';

/**
 * What a message that came back is, decided from its structure and codes
 * alone (pure, no I/O). Nothing here trusts what the message says about
 * whom it concerns: it only gathers candidate tokens, and the handler acts
 * on those our key signed.
 */
export type Classification =
  /** RFC 3464 DSN: hard for a 5.x.x status, soft for 4.x.x. */
  | { kind: 'bounce'; severity: 'hard' | 'soft'; status: string; returnTokens: string[] }
  /** RFC 5965 ARF feedback report. */
  | { kind: 'complaint'; feedbackType: string; returnTokens: string[] }
  /** Mail to unsubscribe@<sender domain>: link tokens found in the subject, then the body. */
  | { kind: 'unsubscribe'; tokens: string[] }
  | { kind: 'auto-reply'; reason: string }
  | { kind: 'other'; reason: string };

export interface ClassifyContext {
  /** The envelope recipients (RCPT TO), or for a mailbox read over IMAP the addresses its headers name. */
  to: string[];
  /** unsubscribe@<MAIL_FROM's domain>, lower case. */
  unsubscribeAddress: string;
  /** BOUNCE_DOMAIN, lower case; unset: no return path tokens to look for. */
  bounceDomain?: string;
}

/** At most this many candidate tokens are tried: a message stuffed with them costs no more than a few checks. */
export const candidateLimit = 5;

const statusPattern = /\b([245])\.\d{1,3}\.\d{1,3}\b/;
// A link token: payload, then its signature (22 characters; 43 in links signed before signatures were cut).
const linkTokenPattern = /[A-Za-z0-9_-]{20,2048}\.(?:[A-Za-z0-9_-]{43}|[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/g;

export function classify(mail: ParsedMail, context: ClassifyContext): Classification {
  const reportType = reportTypeOf(mail);
  // A part whose Content-Type is empty comes from mailparser as `false`, whatever its types say.
  const parts = (type: string) => mail.attachments.filter((part) => String(part.contentType || '').toLowerCase() === type).map((part) => part.content.toString('utf8'));
  const statusParts = [...parts('message/delivery-status'), ...parts('message/global-delivery-status')];
  const feedback = parts('message/feedback-report');
  if (reportType === 'feedback-report' || feedback.length) {
    const fields = fieldsOf(feedback[0] ?? '')[0] ?? new Map<string, string>();
    const feedbackType = (fields.get('feedback-type') ?? 'abuse').toLowerCase();
    if (!['abuse', 'fraud', 'virus', 'other'].includes(feedbackType)) return { kind: 'other', reason: `feedback report of type ${feedbackType}` };
    return { kind: 'complaint', feedbackType, returnTokens: returnTokens(mail, context, feedback) };
  }
  if (reportType === 'delivery-status' || statusParts.length) {
    const worst = worstStatus(statusParts.join('\n\n'));
    if (!worst) return { kind: 'other', reason: 'delivery report without a failure status' };
    if (worst.startsWith('2')) return { kind: 'other', reason: `delivery report: ${worst} (delivered)` };
    return { kind: 'bounce', severity: worst.startsWith('5') ? 'hard' : 'soft', status: worst, returnTokens: returnTokens(mail, context, statusParts) };
  }
  const automatic = autoReplyReason(mail);
  if (automatic) return { kind: 'auto-reply', reason: automatic };
  if (context.to.some((address) => bare(address) === context.unsubscribeAddress)) {
    return { kind: 'unsubscribe', tokens: linkTokens(`${mail.subject ?? ''}\n${mail.text ?? ''}`) };
  }
  return { kind: 'other', reason: 'neither a report nor an unsubscribe' };
}

function reportTypeOf(mail: ParsedMail): string | undefined {
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value?.toLowerCase() !== 'multipart/report') return undefined;
  return type.params?.['report-type']?.toLowerCase();
}

/**
 * The header blocks of a delivery-status or feedback-report body (RFC 3464
 * 2.1: a per-message block, then one per recipient), with continuation
 * lines unfolded and names in lower case.
 */
export function fieldsOf(text: string): Map<string, string>[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
        const match = /^([A-Za-z0-9-]+)[ \t]*:[ \t]*(.*)$/.exec(line);
        if (match && !fields.has(match[1]!.toLowerCase())) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/**
 * The gravest status among a report's recipients: a Status field's class,
 * or failing that the code in Diagnostic-Code (an enhanced code, else the
 * SMTP reply's first digit). Words are never read.
 */
export function worstStatus(text: string): string | undefined {
  let worst: string | undefined;
  const rank = (status: string) => ({ '5': 3, '4': 2, '2': 1 })[status[0] as '5' | '4' | '2'];
  for (const fields of fieldsOf(text)) {
    const status =
      statusPattern.exec(fields.get('status') ?? '')?.[0] ??
      statusPattern.exec(fields.get('diagnostic-code') ?? '')?.[0] ??
      /^\s*smtp\s*;\s*([245])\d\d\b/i.exec(fields.get('diagnostic-code') ?? '')?.[1]?.concat('.0.0');
    if (status && (!worst || rank(status) > rank(worst))) worst = status;
  }
  return worst;
}

function autoReplyReason(mail: ParsedMail): string | undefined {
  const header = (name: string) => {
    const value = mail.headers.get(name);
    return typeof value === 'string' ? value.trim().toLowerCase() : value === undefined ? undefined : String(value).toLowerCase();
  };
  const submitted = header('auto-submitted');
  // auto-generated may be a mail client acting for its user (an unsubscribe by mail); a reply to a message is not.
  if (submitted === 'auto-replied' || submitted === 'auto-notified') return `Auto-Submitted: ${submitted}`;
  const precedence = header('precedence');
  if (precedence && ['auto_reply', 'bulk', 'junk'].includes(precedence)) return `Precedence: ${precedence}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) if (header(name) !== undefined) return name;
  if (/^\s*(automatic reply|auto(-| )?reply|out of (the )?office)\b/i.test(mail.subject ?? '')) return 'out-of-office subject';
  return undefined;
}

/** The address in "Name <a@b>" or "<a@b>", lower case. */
function bare(address: string): string {
  return (/<([^>]*)>/.exec(address)?.[1] ?? address).trim().toLowerCase();
}

/**
 * Return path tokens, most trustworthy first: the envelope recipient (the
 * DSN or report came to that very address), then the report's own fields
 * (Original-Mail-From, X-Postfix-Sender), then the enclosed message's
 * Return-Path. Each is checked against our key before it is believed.
 */
function returnTokens(mail: ParsedMail, context: ClassifyContext, reportParts: string[]): string[] {
  if (!context.bounceDomain) return [];
  const domain = context.bounceDomain.replace(/[.]/g, '\\.');
  const pattern = new RegExp(`bounces\\+([0-9a-z-]{1,80})@${domain}(?![0-9a-z.-])`, 'gi');
  const found = [context.to.join(' '), ...reportParts, ...mail.attachments.map((part) => part.content.toString('utf8')), mail.text ?? ''].flatMap((text) =>
    [...text.slice(0, 200_000).matchAll(pattern)].map((match) => match[1]!.toLowerCase()),
  );
  return [...new Set(found)].slice(0, candidateLimit);
}

function linkTokens(text: string): string[] {
  return [...new Set([...text.slice(0, 200_000).matchAll(linkTokenPattern)].map((match) => match[0]))].slice(0, candidateLimit);
}
