import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { batchSendSettings } from '../digests/deps.js';
import type { MailSettings } from '../digests/email.js';
import type { Rate } from '../jobs/rate.js';
import type { JobQueue } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import type { AlertMetrics } from './metrics.js';

/** What the alert pass and the alert mails need: plain dependencies, wired in src/main/wiring.ts. */
export interface AlertDeps {
  /** ALERTS_ENABLED: false records nothing, queues nothing and sends nothing. */
  enabled: boolean;
  db: Db;
  queue: JobQueue;
  mailer: Mailer;
  templates: Templates;
  mail: MailSettings;
  /** DIGEST_TZ: what a day is (one alert mail per subscriber per day) and how times are written. */
  zone: string;
  /** Subscribers per alert-send job (DIGEST_BATCH_SIZE). */
  batchSize: number;
  /** How old a claim must be before another attempt takes it over (DIGEST_STALE_CLAIM_SECONDS). */
  staleClaimMs: number;
  hardBounceLimit: number;
  /** The digests' pace (SEND_RATE_PER_SECOND): alerts and digests share one SMTP budget. */
  sendRate: Rate;
  metrics: AlertMetrics;
  logger: Logger;
  now(): Date;
}

export function alertDeps(
  config: Config,
  parts: { db: Db; queue: JobQueue; mailer: Mailer; templates: Templates; tokenSecret: string; metrics: AlertMetrics; logger: Logger; now: () => Date },
): AlertDeps {
  return {
    ...parts,
    enabled: config.ALERTS_ENABLED,
    ...batchSendSettings(config, parts),
  };
}
