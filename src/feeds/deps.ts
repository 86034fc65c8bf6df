import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';

/** What the feed capability needs: plain dependencies, so the HTTP layer, CLI, weekly run and tests wire it alike. */
export interface FeedDeps {
  db: Db;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for recipients' link tokens. */
  secret: string;
  /** PUBLIC_BASE_URL: the start of every mailed link and Atom URL. */
  baseUrl: string;
  limits: { feedsPerPartner: number; recipientsPerFeed: number };
  /** BOUNCE_DOMAIN: each confirmation's envelope sender names its recipient there (VERP); unset: MAIL_FROM. */
  bounceDomain?: string;
  /** HARD_BOUNCE_LIMIT: a 5xx on a confirmation counts toward it, as one on a digest does. */
  hardBounceLimit: number;
  logger: Logger;
  now(): Date;
}
