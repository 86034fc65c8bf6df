import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedSmtp, type EmbeddedSmtp } from './embedded-smtp.js';
import { encodedPart, MessageFrames } from './frame.js';
import type { QuotedPrintableBodies } from './quoted-printable.js';

interface OutgoingFields {
  to: string;
  subject: string;
  /** Angle-bracketed, e.g. <digest.abc.2025-06-16@digest.example.org>. */
  messageId?: string;
  /** Extra headers such as List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: Record<string, string>;
  /** The envelope sender (VERP, see mail/return-path.ts); unset: MAIL_FROM's address. */
  returnPath?: string;
}

/**
 * A mail with its html and text, or with them already quoted-printable
 * (`encoded`, mail/quoted-printable.ts: sent as they are, not encoded again;
 * a plain copy beside them goes unread).
 */
export type OutgoingMail = OutgoingFields & ({ html: string; text: string; encoded?: undefined } | { encoded: QuotedPrintableBodies; html?: string; text?: string });

/** An address nodemailer writes into the To header as it is (an internationalised one goes the composing way). */
const asciiAddress = /^[\x21-\x7e]+$/;

export interface SendResult {
  messageId: string;
  /** The server's final answer, e.g. "250 OK: queued as ...". */
  response: string;
}

/**
 * Where mail goes. The default is a pooled nodemailer SMTP transport; the
 * demo and dev point it at an embedded capturing server; tests at a real
 * smtp-server sink. Nothing mocks nodemailer.
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
  /** Human description for start-up logs (never includes credentials). */
  describe: string;
  /** Where captured mail is kept, when the embedded server is in use. */
  outboxDir?: string;
}

export interface SmtpOptions {
  url: string;
  from: string;
  /** Connections kept open; size it to what the SMTP server allows. */
  maxConnections?: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

export function createSmtpMailer(options: SmtpOptions): Mailer {
  const url = new URL(options.url);
  const transportOptions: SMTPPool.Options = {
    pool: true,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    maxConnections: options.maxConnections ?? 5,
    maxMessages: Infinity,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    // Loopback servers (the embedded capture, test sinks, Mailpit) do not offer TLS.
    ...(['127.0.0.1', 'localhost', '::1'].includes(url.hostname) ? { ignoreTLS: true } : {}),
    ...(options.dkim ? { dkim: options.dkim } : {}),
  };
  const transport = nodemailer.createTransport(transportOptions);
  const frames = new MessageFrames();
  const sender = addressparser(options.from, { flatten: true })[0]?.address ?? options.from;
  return {
    describe: `SMTP ${url.protocol}//${url.hostname}:${transportOptions.port}`,
    async send(mail) {
      assertOneMailbox(mail.to);
      if (mail.encoded && mail.messageId && asciiAddress.test(mail.to)) {
        // Bodies already encoded (digests): the whole message from a frame, one buffer for the SMTP data stream. With
        // an ASCII address every byte of it is ASCII (encoded headers, quoted-printable bodies).
        const message = await frames.message({ from: options.from, to: mail.to, subject: mail.subject, messageId: mail.messageId, date: new Date(), headers: mail.headers ?? {}, encoded: mail.encoded });
        const info = await transport.sendMail({ raw: message, messageId: mail.messageId, envelope: { from: mail.returnPath ?? sender, to: mail.to } });
        return { messageId: mail.messageId, response: info.response };
      }
      const info = await transport.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.encoded ? encodedPart('text/html', mail.encoded.html) : mail.html,
        text: mail.encoded ? encodedPart('text/plain', mail.encoded.text) : mail.text,
        // Left unset, nodemailer counts the characters of every part to choose between quoted-printable and
        // base64, which doubles the cost of composing a digest; ours are Latin text, where it picks QP anyway.
        textEncoding: 'quoted-printable',
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
        ...(mail.headers ? { headers: mail.headers } : {}),
        ...(mail.returnPath ? { envelope: { from: mail.returnPath, to: mail.to } } : {}),
      });
      return { messageId: info.messageId, response: info.response };
    },
    async close() {
      transport.close();
    },
  };
}

/** An address the transport would read as another mailbox: never sent, never retried (553, as a server would answer). */
export class UnsendableAddressError extends Error {
  override readonly name = 'UnsendableAddressError';
  readonly responseCode = 553;
}

/**
 * The last guard before a recipient reaches nodemailer: it must read the
 * stored address as exactly that one mailbox. A string it reads as
 * "display name <address>" or as a list (an address stored before the
 * checks of src/subscribers/email.ts, or one that slipped past them) would
 * go to someone else.
 */
export function assertOneMailbox(to: string): void {
  const parsed = addressparser(to, { flatten: true });
  if (parsed.length !== 1 || parsed[0]!.name || parsed[0]!.address !== to) {
    throw new UnsendableAddressError(`553 5.1.3 not sent: the recipient ${JSON.stringify(to)} does not read as one mailbox`);
  }
}

/** Whether an SMTP failure is worth retrying: 4xx and connection trouble are; 5xx are final. */
export function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * The mailer the settings ask for: SMTP_URL, or with none an embedded server
 * that keeps every message in DATA_DIR/outbox (listed at /dev/outbox).
 */
export async function createMailer(
  config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'DATA_DIR' | 'DKIM_DOMAIN' | 'DKIM_SELECTOR' | 'DKIM_PRIVATE_KEY'>,
  logger: Logger,
  options: { maxConnections?: number } = {},
): Promise<Mailer> {
  const dkim =
    config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY
      ? { domainName: config.DKIM_DOMAIN, keySelector: config.DKIM_SELECTOR, privateKey: config.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n') }
      : undefined;
  if (config.SMTP_URL) {
    const mailer = createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, dkim, ...options });
    logger.info({ smtp: mailer.describe, dkim: Boolean(dkim) }, 'sending mail over SMTP');
    return mailer;
  }
  const embedded: EmbeddedSmtp = await startEmbeddedSmtp(config.DATA_DIR);
  const mailer = createSmtpMailer({ url: embedded.url, from: config.MAIL_FROM, dkim, ...options });
  logger.info({ outbox: embedded.outboxDir }, 'SMTP_URL unset: capturing mail in an embedded SMTP server (see /dev/outbox)');
  return {
    ...mailer,
    describe: `embedded capture (${embedded.outboxDir})`,
    outboxDir: embedded.outboxDir,
    async close() {
      await mailer.close();
      await embedded.close();
    },
  };
}
