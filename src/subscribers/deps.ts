import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';

/** What the subscriber capability needs: plain dependencies, so the HTTP layer, CLI and tests wire it alike. */
export interface SubscriberDeps {
  db: Db;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for link tokens. */
  secret: string;
  /** PUBLIC_BASE_URL: the start of every mailed link. */
  baseUrl: string;
  /** Confirmation and manage mails per address within the window. */
  mailLimit: { perAddress: number; windowMinutes: number };
  logger: Logger;
  now(): Date;
}
