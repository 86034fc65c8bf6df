import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createBullQueue } from './bullmq.js';
import { createInlineQueue } from './inline.js';
import type { JobQueue, WorkOptions } from './types.js';

/** BullMQ when REDIS_URL is set; otherwise the same processors in this process, and the log says so. */
export function createJobQueue(
  config: Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX'>,
  logger: Logger,
  options: { prefix?: string; retry?: { attempts: number; backoffMs: number } } = {},
): JobQueue {
  if (config.REDIS_URL) return createBullQueue({ url: config.REDIS_URL, logger, prefix: config.QUEUE_PREFIX, ...options });
  logger.info('REDIS_URL unset: jobs run in-process');
  return createInlineQueue({ logger, ...options });
}

/**
 * Concurrency and the global send rate from the settings. BullMQ's limiter
 * counts jobs and a send job carries DIGEST_BATCH_SIZE subscribers, so one
 * job may start every batch/rate seconds: SEND_RATE_PER_SECOND on average.
 */
export function workOptions(config: Pick<Config, 'WORKER_CONCURRENCY' | 'SEND_RATE_PER_SECOND' | 'DIGEST_BATCH_SIZE'>): WorkOptions {
  return {
    concurrency: config.WORKER_CONCURRENCY,
    limiter: { max: 1, duration: Math.max(1, Math.round((1000 * config.DIGEST_BATCH_SIZE) / config.SEND_RATE_PER_SECOND)) },
  };
}
