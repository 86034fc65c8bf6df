import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { mailingDeps, type MailingDeps } from '../mail/outbox.js';
import type { JobQueue } from '../jobs/types.js';
import { createSignUpMailQueue, type SignUpMailQueue } from './mail-queue.js';

/**
 * What the subscriber capability needs (sign-up, confirmation, preferences):
 * plain dependencies, built once by src/main/wiring.ts for the API, the
 * commands and tests alike.
 */
export interface SubscriberDeps {
  db: Db;
  /** Sign-up mail is queued here; the `subscriber-mail` job renders and sends it. */
  mail: SignUpMailQueue;
  /** HMAC key for link tokens. */
  secret: string;
  /** PUBLIC_BASE_URL: the start of every mailed link. */
  baseUrl: string;
  /** Confirmation and manage mails per address within the window. */
  mailLimit: { perAddress: number; windowMinutes: number };
  logger: Logger;
  now(): Date;
}

export function subscriberDeps(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'SIGNUP_RATE_LIMIT_PER_ADDRESS' | 'SIGNUP_RATE_LIMIT_WINDOW_MINUTES'>,
  parts: { db: Db; queue: Pick<JobQueue, 'add'>; tokenSecret: string; logger: Logger; now: () => Date },
): SubscriberDeps {
  return {
    db: parts.db,
    mail: createSignUpMailQueue(parts.queue),
    secret: parts.tokenSecret,
    baseUrl: config.PUBLIC_BASE_URL,
    logger: parts.logger,
    now: parts.now,
    mailLimit: { perAddress: config.SIGNUP_RATE_LIMIT_PER_ADDRESS, windowMinutes: config.SIGNUP_RATE_LIMIT_WINDOW_MINUTES },
  };
}

/** What the `subscriber-mail` and `pending-expiry` jobs need: to render and send the mail a sign-up recorded, and to erase what was never confirmed. */
export interface SubscriberMailDeps extends MailingDeps {
  /** MAIL_FROM: its domain names the Message-IDs. */
  mailFrom: string;
  /** PENDING_EXPIRY_DAYS: unconfirmed sign-ups are erased this long after their last change; 0 keeps them. */
  pendingExpiryDays: number;
}

export function subscriberMailDeps(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'MAIL_FROM' | 'HARD_BOUNCE_LIMIT' | 'PENDING_EXPIRY_DAYS' | 'BOUNCE_DOMAIN'>,
  parts: Parameters<typeof mailingDeps>[1],
): SubscriberMailDeps {
  return { ...mailingDeps(config, parts), mailFrom: config.MAIL_FROM, pendingExpiryDays: config.PENDING_EXPIRY_DAYS };
}
