import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProviderReport, ReturnKind } from '../returns.js';

/**
 * Providers' own bounce and complaint formats (SES, Mailgun, Postmark), read
 * into one shape, a `ProviderReport` (returns.ts). Pure functions over parsed JSON.
 */

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined);

/**
 * An SES event (the Message of an SNS notification): Bounce (Permanent is
 * hard; Transient and Undetermined are soft) or Complaint; Delivery and the
 * rest report nothing to act on.
 */
export function sesReports(event: unknown): ProviderReport[] {
  const body = record(event);
  const kind = text(body.notificationType) ?? text(body.eventType);
  const mail = record(body.mail);
  const common = { returnPath: text(mail.source), messageId: text(mail.messageId) };
  if (kind === 'Bounce') {
    const bounce = record(body.bounce);
    const type: ReturnKind = bounce.bounceType === 'Permanent' ? 'hard' : 'soft';
    return list(bounce.bouncedRecipients).flatMap((recipient) => {
      const email = text(record(recipient).emailAddress);
      return email ? [{ type, email, status: text(record(recipient).status) ?? text(bounce.bounceSubType), ...common }] : [];
    });
  }
  if (kind === 'Complaint') {
    const complaint = record(body.complaint);
    return list(complaint.complainedRecipients).flatMap((recipient) => {
      const email = text(record(recipient).emailAddress);
      return email ? [{ type: 'complaint' as const, email, status: text(complaint.complaintFeedbackType) ?? 'abuse', ...common }] : [];
    });
  }
  return [];
}

/** Mailgun's webhook signature: HMAC-SHA256 of timestamp + token under the webhook signing key, hex. */
export function mailgunSignatureValid(signingKey: string, signature: { timestamp: string; token: string; signature: string }): boolean {
  const expected = createHmac('sha256', signingKey).update(`${signature.timestamp}${signature.token}`).digest();
  const given = Buffer.from(signature.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A Mailgun event: `failed` (severity permanent is hard, temporary soft) or `complained`; anything else is not ours to act on. */
export function mailgunReports(eventData: unknown): ProviderReport[] {
  const event = record(eventData);
  const email = text(event.recipient);
  if (!email) return [];
  const common = {
    email,
    returnPath: text(record(event.envelope).sender),
    messageId: text(record(record(event.message).headers)['message-id']),
  };
  if (event.event === 'complained') return [{ type: 'complaint', status: 'complained', ...common }];
  if (event.event !== 'failed') return [];
  const status = record(event['delivery-status']);
  return [{ type: event.severity === 'permanent' ? 'hard' : 'soft', status: text(status['enhanced-code']) ?? text(status.code) ?? text(event.reason), ...common }];
}

/** Postmark's bounce types that mean the address is gone; SpamComplaint is a complaint; the other bounce types are soft. */
const postmarkHard = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
const postmarkSoft = new Set(['SoftBounce', 'Transient', 'DnsError', 'Blocked', 'AddressChange', 'ChallengeVerification', 'SMTPApiError', 'InboundError', 'Undeliverable', 'Unknown']);

/** A Postmark webhook: RecordType Bounce (by its Type) or SpamComplaint. Auto-responders, subscription changes and the rest are not acted on. */
export function postmarkReports(payload: unknown): ProviderReport[] {
  const body = record(payload);
  const email = text(body.Email);
  if (!email) return [];
  const common = { email, messageId: text(body.MessageID) };
  const kind = text(body.Type);
  if (body.RecordType === 'SpamComplaint' || kind === 'SpamComplaint') return [{ type: 'complaint', status: kind ?? 'SpamComplaint', ...common }];
  if (body.RecordType !== 'Bounce' || !kind) return [];
  if (postmarkHard.has(kind)) return [{ type: 'hard', status: kind, ...common }];
  if (postmarkSoft.has(kind)) return [{ type: 'soft', status: kind, ...common }];
  return [];
}
