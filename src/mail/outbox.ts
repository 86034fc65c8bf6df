import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Templates } from './templates.js';
import { returnPathFor, type MailRef, type ReturnPathSettings } from './return-path.js';
import { isPermanentSmtpError, type Mailer, type OutgoingMail, type SendResult } from './transport.js';

/**
 * The one way mail leaves for a subscriber or a feed recipient (sign-up
 * mail, feed confirmations, digests): sent with the return path that names
 * its recipient and the mail (VERP, return-path.ts), and, when the server
 * refuses it, the answer classified: a 5xx is final and counts as a hard
 * bounce, anything else is worth a retry.
 *
 * Two steps, so the accepted send, the digest run's hot path, costs nothing
 * beyond the transport's own promise: `sendMail` hands the mail over as it
 * is, and only a send that throws goes through `undelivered`.
 */

/** What a job that mails people through the outbox needs (sign-up mail, feed confirmations); each adds its own on top. */
export interface MailingDeps {
  db: Db;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for the mailed links' tokens and the return paths. */
  secret: string;
  /** PUBLIC_BASE_URL: the start of every mailed link. */
  baseUrl: string;
  /** BOUNCE_DOMAIN: each mail's envelope sender names its recipient there (VERP); unset: MAIL_FROM. */
  bounceDomain?: string;
  /** HARD_BOUNCE_LIMIT: a 5xx counts toward it, as one in the weekly run does. */
  hardBounceLimit: number;
  logger: Logger;
  now(): Date;
}

export function mailingDeps(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'HARD_BOUNCE_LIMIT' | 'BOUNCE_DOMAIN'>,
  parts: { db: Db; mailer: Mailer; templates: Templates; tokenSecret: string; logger: Logger; now?: () => Date },
): MailingDeps {
  return {
    db: parts.db,
    mailer: parts.mailer,
    templates: parts.templates,
    secret: parts.tokenSecret,
    baseUrl: config.PUBLIC_BASE_URL,
    bounceDomain: config.BOUNCE_DOMAIN,
    hardBounceLimit: config.HARD_BOUNCE_LIMIT,
    logger: parts.logger,
    now: parts.now ?? (() => new Date()),
  };
}

/** Sends one mail with its recipient's return path (set here, on `mail`); resolves with the server's answer or rejects with its error. */
export function sendMail(mailer: Mailer, returnPaths: ReturnPathSettings, mail: OutgoingMail, ref: MailRef): Promise<SendResult> {
  mail.returnPath = returnPathFor(returnPaths, ref);
  return mailer.send(mail);
}

/**
 * Counts a hard bounce against the mail's recipient, with a note for the
 * suppression list made from the server's answer; resolves to whether the
 * address is now suppressed (HARD_BOUNCE_LIMIT). The caller's, since the
 * count lives with its recipients (subscribers/suppressions.ts).
 */
export type HardBounceCounter = (answer: string) => Promise<boolean>;

/** How a send that threw ends: refused for good (a 5xx, counted as a hard bounce) or to be retried (a 4xx, a dropped connection, any other error). */
export type Undelivered = { permanent: true; message: string; suppressed: boolean } | { permanent: false; message: string };

/** What a failed send (`error`) comes to; a permanent refusal is counted with `countHardBounce` before this resolves. */
export async function undelivered(error: unknown, countHardBounce: HardBounceCounter): Promise<Undelivered> {
  const message = (error as { message?: string } | null)?.message ?? String(error);
  if (!isPermanentSmtpError(error)) return { permanent: false, message };
  return { permanent: true, message, suppressed: await countHardBounce(message) };
}

/** Thrown after a job's mails were tried, so the queue retries the ones a 4xx or a dropped connection held back. */
export class TransientMailError extends Error {
  override readonly name = 'TransientMailError';
}
