import { createVerify } from 'node:crypto';
import { z } from 'zod';

/**
 * Amazon SNS HTTP(S) delivery, as SES's bounce and complaint notifications
 * arrive: every message is signed by SNS (SignatureVersion 1: SHA1withRSA,
 * 2: SHA256withRSA) over a canonical string of its fields, with a
 * certificate fetched from SigningCertURL. We believe a message only when
 * that URL's host is one we allow (SES_SNS_CERT_HOST: Amazon's by default),
 * the signature verifies, and the topic is one we subscribed
 * (SES_SNS_TOPIC_ARNS): anyone can make an SNS topic and sign with Amazon's
 * key, so the topic is what makes a message ours.
 */

export const snsMessage = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().max(200),
  TopicArn: z.string().max(1000),
  Subject: z.string().max(1000).optional(),
  Message: z.string().max(1_000_000),
  Timestamp: z.string().max(100),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().max(10_000),
  SigningCertURL: z.string().max(2000),
  SubscribeURL: z.string().max(4000).optional(),
  Token: z.string().max(4000).optional(),
});
export type SnsMessage = z.infer<typeof snsMessage>;

export class SnsRefusal extends Error {
  override readonly name = 'SnsRefusal';
}

/** The canonical string SNS signs: the message's fields in this order, each as "Name\nvalue\n", absent ones left out. */
export function snsStringToSign(message: SnsMessage): string {
  const fields =
    message.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  return fields.flatMap((field) => (message[field] === undefined ? [] : [`${field}\n${message[field]}\n`])).join('');
}

/**
 * Whether SNS may send us to this URL (a certificate, a subscription to
 * confirm): https on an allowed host; plain http only on a loopback host
 * the setting allows (tests serve their own certificate that way).
 */
export function allowedSnsUrl(raw: string, hostPattern: RegExp): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SnsRefusal('not a URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (!hostPattern.test(url.hostname)) throw new SnsRefusal(`${url.hostname} is not an allowed SNS host (SES_SNS_CERT_HOST)`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new SnsRefusal('SNS URLs must be https');
  return url;
}

export interface SnsSettings {
  /** SES_SNS_TOPIC_ARNS. */
  topics: string[];
  /** SES_SNS_CERT_HOST. */
  certHost: RegExp;
  /** Fetches a URL's body as text (global fetch by default). */
  fetchText?: (url: URL) => Promise<string>;
}

async function fetchText(url: URL): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
  if (!response.ok) throw new SnsRefusal(`${url.host} answered ${response.status}`);
  const text = await response.text();
  if (text.length > 20_000) throw new SnsRefusal('certificate too large');
  return text;
}

/** Signing certificates by URL: fetched once per process (a handful of them exist at a time). */
export function createSnsVerifier(settings: SnsSettings) {
  const certificates = new Map<string, Promise<string>>();
  const fetcher = settings.fetchText ?? fetchText;
  const certificate = (url: URL) => {
    const key = url.href;
    let found = certificates.get(key);
    if (!found) {
      if (certificates.size >= 50) certificates.delete(certificates.keys().next().value!);
      found = fetcher(url);
      // A failed fetch is not kept: the next message tries again.
      found.catch(() => certificates.delete(key));
      certificates.set(key, found);
    }
    return found;
  };
  return {
    /** The message when it is genuine and for one of our topics; otherwise SnsRefusal. */
    async verify(body: unknown): Promise<SnsMessage> {
      const parsed = snsMessage.safeParse(body);
      if (!parsed.success) throw new SnsRefusal('not an SNS message');
      const message = parsed.data;
      if (!settings.topics.includes(message.TopicArn)) throw new SnsRefusal(`topic ${message.TopicArn} is not one of SES_SNS_TOPIC_ARNS`);
      const url = allowedSnsUrl(message.SigningCertURL, settings.certHost);
      if (!url.pathname.endsWith('.pem')) throw new SnsRefusal('the signing certificate URL is not a .pem');
      const pem = await certificate(url);
      const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
      verifier.update(snsStringToSign(message), 'utf8');
      let genuine = false;
      try {
        genuine = verifier.verify(pem, message.Signature, 'base64');
      } catch {
        genuine = false;
      }
      if (!genuine) throw new SnsRefusal('the signature does not verify');
      return message;
    },
    /** Confirms a subscription by visiting its SubscribeURL (same host rule as certificates). */
    async confirm(message: SnsMessage): Promise<void> {
      if (!message.SubscribeURL) throw new SnsRefusal('no SubscribeURL');
      await fetcher(allowedSnsUrl(message.SubscribeURL, settings.certHost));
    },
  };
}

export type SnsVerifier = ReturnType<typeof createSnsVerifier>;
