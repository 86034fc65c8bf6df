import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { batchSendSettings, type BatchSendSettings } from '../digests/deps.js';
import type { JobQueue } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import type { AlertMetrics } from './metrics.js';

/**
 * What the alert pass and the alert mails need: plain dependencies, wired in
 * src/main/wiring.ts. `zone` is what a day is (one alert mail per subscriber
 * per day), and the pace is the digests' own: one SMTP budget.
 */
export interface AlertDeps extends BatchSendSettings {
  /** ALERTS_ENABLED: false records nothing, queues nothing and sends nothing. */
  enabled: boolean;
  db: Db;
  queue: JobQueue;
  mailer: Mailer;
  templates: Templates;
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
