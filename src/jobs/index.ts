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

/** How many jobs a process works at once, from the settings (the send rate is taken per message: deps.ts). */
export function workOptions(config: Pick<Config, 'WORKER_CONCURRENCY'>): WorkOptions {
  return { concurrency: config.WORKER_CONCURRENCY };
}
