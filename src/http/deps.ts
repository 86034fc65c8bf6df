import type { RouteOptions } from 'fastify';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { DigestDeps } from '../digests/deps.js';
import type { JobQueue } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';

/** Everything the HTTP layer needs, wired by the composition root (server, tests). */
export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for link tokens (see tokens/signed-links.ts). */
  tokenSecret: string;
  /** Where sign-up mail is queued; whoever works the `subscribers` jobs sends it. */
  queue: JobQueue;
  /** Present when jobs go through Redis; /readyz pings it. */
  redis?: { ping(): Promise<unknown> };
  /** The clock; tests pin it. Default: the system's. */
  now?: () => Date;
  /** The weekly run (its job queue, metrics, processors' dependencies); without it, starting runs answers 503. */
  digests?: DigestDeps;
  /** Sees every route as it is added: the authorisation tests build the route table from it. */
  onRoute?: (route: RouteOptions) => void;
}

/** The app's clock: tests pin it; link and form tokens are issued and checked against it. */
export function clockOf(deps: Pick<AppDeps, 'now'>): () => Date {
  return deps.now ?? (() => new Date());
}

/**
 * What every capability that mails people and signs links takes from the
 * app's dependencies; each adds its own limits on top.
 */
export function mailingDeps(deps: AppDeps) {
  return {
    db: deps.database.db,
    mailer: deps.mailer,
    templates: deps.templates,
    secret: deps.tokenSecret,
    baseUrl: deps.config.PUBLIC_BASE_URL,
    logger: deps.logger,
    now: clockOf(deps),
  };
}
