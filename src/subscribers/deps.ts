import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import type { SignUpMailQueue } from './mail-queue.js';

/** What the subscriber capability needs: plain dependencies, so the HTTP layer, CLI and tests wire it alike. */
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

/** What the `subscriber-mail` job needs to render and send the mail a sign-up recorded. */
export interface SubscriberMailDeps {
  db: Db;
  mailer: Mailer;
  templates: Templates;
  secret: string;
  baseUrl: string;
  /** MAIL_FROM: its domain names the Message-IDs. */
  mailFrom: string;
  /** BOUNCE_DOMAIN: each mail's envelope sender names it there (VERP); unset: MAIL_FROM. */
  bounceDomain?: string;
  /** HARD_BOUNCE_LIMIT: a 5xx counts toward it, as one in the weekly run does. */
  hardBounceLimit: number;
  /** PENDING_EXPIRY_DAYS: unconfirmed sign-ups are erased this long after their last change; 0 keeps them. */
  pendingExpiryDays: number;
  logger: Logger;
  now(): Date;
}

export function subscriberMailDeps(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'MAIL_FROM' | 'HARD_BOUNCE_LIMIT' | 'PENDING_EXPIRY_DAYS' | 'BOUNCE_DOMAIN'>,
  parts: { db: Db; mailer: Mailer; templates: Templates; tokenSecret: string; logger: Logger; now?: () => Date },
): SubscriberMailDeps {
  return {
    db: parts.db,
    mailer: parts.mailer,
    templates: parts.templates,
    secret: parts.tokenSecret,
    baseUrl: config.PUBLIC_BASE_URL,
    mailFrom: config.MAIL_FROM,
    bounceDomain: config.BOUNCE_DOMAIN,
    hardBounceLimit: config.HARD_BOUNCE_LIMIT,
    pendingExpiryDays: config.PENDING_EXPIRY_DAYS,
    logger: parts.logger,
    now: parts.now ?? (() => new Date()),
  };
}
