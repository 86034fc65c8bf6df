import type { RouteOptions } from 'fastify';
import type { AlertDeps } from '../alerts/deps.js';
import type { Config } from '../config.js';
import type { ConsoleMailDeps } from '../console/emails.js';
import type { Database } from '../db/client.js';
import type { DigestDeps } from '../digests/deps.js';
import type { DigestMetrics } from '../digests/metrics.js';
import type { PreviewDeps } from '../digests/preview.js';
import type { FeedDeps } from '../feeds/deps.js';
import type { HarvestJobDeps } from '../harvest/processors.js';
import type { InboundDeps } from '../inbound/deps.js';
import type { JobQueue } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import type { SubscriberDeps } from '../subscribers/deps.js';

/**
 * Everything the HTTP layer needs, built once by src/main/wiring.ts (the
 * server and tests alike): routes take a capability's dependencies from
 * here (`deps.subscribers`, `deps.feeds`...) rather than building their own.
 */
export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  mailer: Mailer;
  templates: Templates;
  /** HMAC key for link tokens (see tokens/signed-links.ts). */
  tokenSecret: string;
  /** Where jobs are queued; whoever works them (main/wiring.ts startWork) runs them. */
  queue: JobQueue;
  /** This process's counters, served at /metrics. */
  metrics: DigestMetrics;
  /** Present when jobs go through Redis; /readyz pings it. */
  redis?: { ping(): Promise<unknown> };
  /** The clock; tests pin it. Default: the system's. */
  now?: () => Date;
  /** The weekly run: starting, resuming and cancelling runs. */
  digests: DigestDeps;
  /** Sign-up, confirmation and preferences. */
  subscribers: SubscriberDeps;
  /** Partners' feeds and their recipients. */
  feeds: FeedDeps;
  /** Starting harvests and checking sources. */
  harvest: HarvestJobDeps;
  /** Returned mail reported by the providers' webhooks. */
  returns: InboundDeps;
  /** Alerts: an import queues their pass; the preference centre's committee opt-ins. */
  alerts: AlertDeps;
  /** Rendering a digest without sending it: previews and "view in your browser". */
  preview: PreviewDeps;
  /** The console's sign-in mail. */
  consoleMail: ConsoleMailDeps;
  /** Sees every route as it is added: the authorisation tests build the route table from it. */
  onRoute?: (route: RouteOptions) => void;
}

/** The app's clock: tests pin it; link and form tokens are issued and checked against it. */
export function clockOf(deps: Pick<AppDeps, 'now'>): () => Date {
  return deps.now ?? (() => new Date());
}
