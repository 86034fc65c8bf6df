import type { Config } from '../config.js';
import type { Db, Executor } from '../db/client.js';
import { pauseLimitsOf } from '../digests/deps.js';
import type { DigestMetrics } from '../digests/metrics.js';
import type { PauseLimits } from '../digests/run-repo.js';
import type { Logger } from '../logger.js';
import { unsubscribeAddress } from '../subscribers/links.js';

/** What handling returned mail needs: plain dependencies, so the SMTP server, the IMAP poller and the webhooks share it. */
export interface InboundDeps {
  /** The pool; within a message's handling, its transaction. */
  db: Executor;
  logger: Logger;
  metrics: Pick<DigestMetrics, 'bounces' | 'complaints'>;
  /** HMAC key of link and return path tokens. */
  tokenSecret: string;
  /** BOUNCE_DOMAIN, lower case. */
  bounceDomain?: string;
  /** unsubscribe@<MAIL_FROM's domain>: the List-Unsubscribe mailto. */
  unsubscribeAddress: string;
  /** PUBLIC_BASE_URL, for the links an unsubscribe makes. */
  baseUrl: string;
  hardBounceLimit: number;
  pauseLimits: PauseLimits;
  now(): Date;
}

export function inboundDeps(
  config: Config,
  parts: { db: Db; logger: Logger; metrics: Pick<DigestMetrics, 'bounces' | 'complaints'>; tokenSecret: string; now?: () => Date },
): InboundDeps {
  return {
    ...parts,
    bounceDomain: config.BOUNCE_DOMAIN,
    unsubscribeAddress: unsubscribeAddress(config.MAIL_FROM),
    baseUrl: config.PUBLIC_BASE_URL,
    hardBounceLimit: config.HARD_BOUNCE_LIMIT,
    pauseLimits: pauseLimitsOf(config),
    now: parts.now ?? (() => new Date()),
  };
}
