import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Rate } from '../jobs/rate.js';
import type { JobQueue } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import type { MailSettings } from './email.js';
import type { DigestMetrics } from './metrics.js';
import type { PauseLimits } from './run-repo.js';
import { postgresRunStore, type RunStore } from './run-store.js';
import { createDigestBuilds, type DigestBuilds } from './select.js';

/**
 * What the jobs that mail subscribers in batches at the run's pace take from
 * the settings, digests and alerts alike (`batchSendSettings`).
 */
export interface BatchSendSettings {
  mail: MailSettings;
  /** DIGEST_TZ: where weeks and days start, and how dates and times are written. */
  zone: string;
  /** Subscribers per send job (DIGEST_BATCH_SIZE). */
  batchSize: number;
  /** How old a claim must be before another attempt takes it over (DIGEST_STALE_CLAIM_SECONDS). */
  staleClaimMs: number;
  /** Hard bounces before an address is suppressed. */
  hardBounceLimit: number;
  /** SEND_RATE_PER_SECOND, taken once per message (a refused one too) by every worker on the queue's Redis: digests and alerts share it. */
  sendRate: Rate;
}

/** What the weekly run needs: plain dependencies, so the worker, the API, the CLI and tests wire it alike. */
export interface DigestDeps extends BatchSendSettings {
  db: Db;
  /** What the send job asks of the database (run-store.ts). */
  store: RunStore;
  queue: JobQueue;
  mailer: Mailer;
  templates: Templates;
  /** Subscribers read per fan-out page: bounded memory whatever the list's size. */
  pageSize: number;
  /** When a run pauses itself (guard-rails.ts). */
  pauseLimits: PauseLimits;
  metrics: DigestMetrics;
  /** Each run's meetings and digests, built once in this process. */
  builds: DigestBuilds;
  logger: Logger;
  now(): Date;
}

/** The mail settings every mailed link and header is made from (PUBLIC_BASE_URL, MAIL_FROM, BOUNCE_DOMAIN). */
export function mailSettings(config: Pick<Config, 'PUBLIC_BASE_URL' | 'MAIL_FROM' | 'BOUNCE_DOMAIN'>, tokenSecret: string): MailSettings {
  return { baseUrl: config.PUBLIC_BASE_URL, mailFrom: config.MAIL_FROM, tokenSecret, bounceDomain: config.BOUNCE_DOMAIN };
}

/** The settings digests and alerts send by: one SMTP budget (the digests' rate), one batch size, one claim timeout. */
export function batchSendSettings(config: Config, parts: { queue: JobQueue; tokenSecret: string }): BatchSendSettings {
  return {
    mail: mailSettings(config, parts.tokenSecret),
    zone: config.DIGEST_TZ,
    batchSize: config.DIGEST_BATCH_SIZE,
    staleClaimMs: config.DIGEST_STALE_CLAIM_SECONDS * 1000,
    hardBounceLimit: config.HARD_BOUNCE_LIMIT,
    sendRate: parts.queue.rate('digest-sends', config.SEND_RATE_PER_SECOND),
  };
}

export function digestDeps(
  config: Config,
  parts: { db: Db; queue: JobQueue; mailer: Mailer; templates: Templates; tokenSecret: string; metrics: DigestMetrics; logger: Logger },
): DigestDeps {
  return {
    pageSize: 5000,
    ...parts,
    store: postgresRunStore(parts.db),
    ...batchSendSettings(config, parts),
    pauseLimits: pauseLimitsOf(config),
    builds: createDigestBuilds(parts.db, { zone: config.DIGEST_TZ, templates: parts.templates, home: config.PUBLIC_BASE_URL }),
    now: () => new Date(),
  };
}

export function pauseLimitsOf(config: Pick<Config, 'RUN_COMPLAINT_PAUSE_RATE' | 'RUN_BOUNCE_PAUSE_RATE' | 'RUN_PAUSE_MIN_SENDS'>): PauseLimits {
  return { complaintRate: config.RUN_COMPLAINT_PAUSE_RATE, bounceRate: config.RUN_BOUNCE_PAUSE_RATE, minSends: config.RUN_PAUSE_MIN_SENDS };
}
