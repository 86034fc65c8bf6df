import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { JobQueue } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';

/** What the `feed-confirm` job needs to render and send a feed's confirmation mails. */
export interface FeedMailDeps {
  db: Db;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for recipients' link tokens. */
  secret: string;
  /** PUBLIC_BASE_URL: the start of every mailed link and Atom URL. */
  baseUrl: string;
  /** BOUNCE_DOMAIN: each confirmation's envelope sender names its recipient there (VERP); unset: MAIL_FROM. */
  bounceDomain?: string;
  /** HARD_BOUNCE_LIMIT: a 5xx on a confirmation counts toward it, as one on a digest does. */
  hardBounceLimit: number;
  logger: Logger;
  now(): Date;
}

/** What the feed capability needs: plain dependencies, so the HTTP layer, CLI, weekly run and tests wire it alike. */
export interface FeedDeps extends FeedMailDeps {
  /** An approval queues its confirmation mails here; whoever works the `feeds` jobs sends them. */
  queue: Pick<JobQueue, 'add'>;
  limits: { feedsPerPartner: number; recipientsPerFeed: number };
}

export function feedMailDeps(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'HARD_BOUNCE_LIMIT' | 'BOUNCE_DOMAIN'>,
  parts: { db: Db; mailer: Mailer; templates: Templates; tokenSecret: string; logger: Logger; now?: () => Date },
): FeedMailDeps {
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
