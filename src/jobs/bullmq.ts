import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../logger.js';
import { rates } from './rate.js';
import {
  checkProcessors,
  jobDefaults,
  queueNames,
  queueOf,
  queuePolicy,
  queuesOf,
  runProcessor,
  type GroupProcessors,
  type JobName,
  type JobQueue,
  type NewJob,
  type Notebook,
  type ProcessorTable,
  type QueueName,
} from './types.js';

export interface BullOptions {
  url: string;
  /** Namespaces every key: tests give each file its own. */
  prefix?: string;
  logger: Logger;
  retry?: { attempts: number; backoffMs: number };
}

/**
 * Jobs on Redis through BullMQ. Every process that queues work has the Queue
 * objects; only `work()` (the worker process) starts Workers, for the queues
 * of the group it is given. A Worker only wraps a processor: the attempt
 * number goes in, the outcome comes back.
 */
export function createBullQueue(options: BullOptions): JobQueue {
  // BullMQ blocks on Redis: commands must wait out a reconnect rather than fail.
  const connection: ConnectionOptions = { url: options.url, maxRetriesPerRequest: null };
  const prefix = options.prefix ?? 'council-digest';
  const retry = options.retry ?? jobDefaults;
  const defaultJobOptions = {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: jobDefaults.removeOnComplete,
    removeOnFail: jobDefaults.removeOnFail,
  };
  const queues = new Map<QueueName, Queue>(
    queueNames.map((name) => [name, new Queue(name, { connection, prefix, defaultJobOptions })]),
  );
  const queueFor = (name: JobName) => queues.get(queueOf[name])!;
  const workers: Worker[] = [];
  const processors: ProcessorTable = {};
  const log = options.logger;
  const outage = outageReport(log);
  for (const queue of queues.values()) {
    queue.on('error', outage.failed);
    // Connected (again): the next error is a new outage. Until the first connection there is no client to watch.
    queue.getBackend().client.then((client) => client.on('ready', outage.over), () => undefined);
  }
  // Paces' counters and the notebook: a connection of their own, opened at first use (an API process never uses it).
  // Commands of one tick go in one write: a send's note and the next send's take cost one round trip.
  let ownConnection: Redis | undefined;
  const store = () => (ownConnection ??= new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true }));
  const notebook: Notebook = {
    async write(key, fields, ttlSeconds) {
      const record = `${prefix}:notes:${key}`;
      await Promise.all([store().hset(record, fields), ttlSeconds && store().expire(record, ttlSeconds)]);
    },
    read: (key, fields) => (fields.length ? store().hmget(`${prefix}:notes:${key}`, ...fields) : Promise.resolve([])),
    async erase(key, fields) {
      if (fields.length) await store().hdel(`${prefix}:notes:${key}`, ...fields);
    },
  };

  return {
    mode: 'redis',
    queues: [...queues.values()],

    async add(job) {
      await queueFor(job.name).add(job.name, job.data, { jobId: job.jobId });
    },

    async addBulk(jobs: NewJob[]) {
      for (const name of queueNames) {
        const mine = jobs.filter((job) => queueOf[job.name] === name);
        if (mine.length) {
          await queues.get(name)!.addBulk(mine.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.jobId } })));
        }
      }
    },

    async upsertScheduler(id, repeat, job) {
      await queueFor(job.name).upsertJobScheduler(id, repeat, { name: job.name, data: job.data });
    },

    notebook,

    rate: rates((window) => new RateLimiterRedis({ storeClient: store(), keyPrefix: `${prefix}:rate`, ...window })),

    async work(given: GroupProcessors, work) {
      const started = new Set(workers.map((worker) => worker.name));
      const mine = queuesOf(checkProcessors(given));
      const twice = mine.filter((name) => started.has(name));
      if (twice.length) throw new Error(`Already working queue ${twice.join(', ')} in this process`);
      Object.assign(processors, given);
      const run = async (job: Job) => {
        const attempt = job.attemptsMade + 1;
        return runProcessor(processors, job.name as JobName, job.data, {
          attempt,
          lastAttempt: attempt >= (job.opts.attempts ?? 1),
          retryWith: (data) => job.updateData(data),
        });
      };
      const added = mine.map((name) => {
        const worker = new Worker(name, run, { connection, prefix, ...queuePolicy(name, work) });
        worker.on('failed', (job, error) => {
          log.warn({ job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: error }, 'job failed');
          // For good: no attempt left, or stalled out (BullMQ fails a job whose worker died too often, without calling its processor).
          const forGood = job && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message));
          if (forGood && work.onGiveUp) {
            work.onGiveUp({ name: job.name as JobName, data: job.data }, error).catch((failure: unknown) => log.error({ err: failure, job: job.name, jobId: job.id }, 'settling a failed job failed'));
          }
        });
        worker.on('error', (error) => log.error({ err: error, queue: name }, 'worker error'));
        return worker;
      });
      workers.push(...added);
      await Promise.all(added.map((worker) => worker.waitUntilReady()));
      log.info({ queues: mine, concurrency: work.concurrency }, 'BullMQ workers started');
    },

    async depth() {
      const counts = await Promise.all(
        [...queues].map(async ([queue, instance]) => {
          const byState = await instance.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
          return Object.entries(byState).map(([state, count]) => ({ queue, state, count }));
        }),
      );
      return counts.flat();
    },

    // The connection's own state: a readiness probe must answer at once, never queue behind a reconnect.
    async ping() {
      const client = await queues.get('digest-runs')!.getBackend().client;
      if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
      return client.status;
    },

    // Workers first: they finish the jobs in flight (a SIGTERM drains), then the queues disconnect.
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      ownConnection?.disconnect();
    },
  };
}

/**
 * A Queue with no 'error' listener has BullMQ print every failed reconnect to
 * stderr as a bare stack trace, four queues at a time, outside the logs. One
 * line through the logger per outage instead: the first error after the
 * connection was last ready.
 */
function outageReport(log: Logger) {
  let down = false;
  return {
    failed(error: Error) {
      if (down) return;
      down = true;
      log.error({ err: error }, 'Redis unreachable: queued work waits until it is back');
    },
    over() {
      if (down) log.info('Redis reachable again');
      down = false;
    },
  };
}

/** Deletes every key under a QUEUE_PREFIX: what a throwaway prefix (a test file's, a bench run's) leaves in Redis. */
export async function deleteQueueKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
