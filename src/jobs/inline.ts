import { CronExpressionParser } from 'cron-parser';
import { RateLimiterMemory } from 'rate-limiter-flexible';
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
  type ProcessorTable,
  type QueueName,
  type Repeat,
  type WorkOptions,
} from './types.js';

interface QueueState {
  /** Jobs start only once `work()` was given this queue's group. */
  worked: boolean;
  waiting: { job: NewJob; attempt: number }[];
  active: number;
  concurrency: number;
}

/**
 * The same processors without Redis, for one machine (the demo, a laptop):
 * jobs wait in memory, run with the same concurrency, paces, retries and
 * exponential backoff, and repeat on the same schedules. What is queued or
 * waiting for a retry when the process stops is lost: a run's deliveries
 * record what was done, a second trigger of the week resumes its fan-out,
 * and "retry failed" sends what was released for a retry.
 */
export function createInlineQueue(options: { logger: Logger; retry?: { attempts: number; backoffMs: number } }): JobQueue {
  const retry = options.retry ?? jobDefaults;
  const log = options.logger;
  const states = new Map<QueueName, QueueState>(
    queueNames.map((name) => [name, { worked: false, waiting: [], active: 0, concurrency: 1 }]),
  );
  // Job ids seen, so a repeated id adds nothing (as in BullMQ); the oldest are forgotten.
  const seen = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const schedulers = new Map<string, NodeJS.Timeout>();
  const processors: ProcessorTable = {};
  const giveUp = new Map<JobName, NonNullable<WorkOptions['onGiveUp']>>();
  const notes = new Map<string, Map<string, string>>();
  let closed = false;

  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timer.unref();
    timers.add(timer);
    return timer;
  };

  const pump = (name: QueueName) => {
    const state = states.get(name)!;
    while (state.worked && !closed && state.active < state.concurrency && state.waiting.length > 0) {
      const { job, attempt } = state.waiting.shift()!;
      state.active += 1;
      const lastAttempt = attempt >= retry.attempts;
      let next = job;
      const retryWith = async (data: NewJob['data']) => {
        next = { ...job, data } as NewJob;
      };
      runProcessor(processors, job.name, job.data, { attempt, lastAttempt, retryWith })
        .catch((error: unknown) => {
          if (lastAttempt || closed) {
            log.warn({ job: job.name, jobId: job.jobId, attempt, err: error }, 'job failed');
            return giveUp.get(job.name)?.({ name: job.name, data: job.data }, error as Error).catch((failure: unknown) => log.error({ err: failure, job: job.name }, 'settling a failed job failed'));
          }
          log.info({ job: job.name, jobId: job.jobId, attempt, err: error }, 'job failed: retrying');
          later(retry.backoffMs * 2 ** (attempt - 1), () => enqueue(next, attempt + 1));
        })
        .finally(() => {
          state.active -= 1;
          pump(name);
        });
    }
  };

  const enqueue = (job: NewJob, attempt: number) => {
    if (closed) return;
    states.get(queueOf[job.name])!.waiting.push({ job, attempt });
    pump(queueOf[job.name]);
  };

  const add = (job: NewJob) => {
    if (seen.has(job.jobId)) return;
    seen.add(job.jobId);
    if (seen.size > jobDefaults.removeOnComplete.count * 10) seen.delete(seen.values().next().value!);
    enqueue(job, 1);
  };

  const nextFire = (repeat: Repeat, after: number) =>
    'every' in repeat
      ? after + repeat.every
      : CronExpressionParser.parse(repeat.pattern, { tz: repeat.tz, currentDate: new Date(after) }).next().getTime();

  return {
    mode: 'inline',
    async add(job) {
      add(job);
    },
    async addBulk(jobs) {
      for (const job of jobs) add(job);
    },
    async upsertScheduler(id, repeat, job) {
      const arm = (after: number) => {
        const at = nextFire(repeat, after);
        const timer = later(Math.max(0, at - Date.now()), () => {
          add({ name: job.name, data: job.data, jobId: `repeat-${id}-${at}` } as NewJob);
          arm(at);
        });
        schedulers.set(id, timer);
      };
      const previous = schedulers.get(id);
      if (previous) {
        clearTimeout(previous);
        timers.delete(previous);
      }
      arm(Date.now());
    },
    // Nothing outlives this process here, so no expiry: a record lives until erased or the process ends.
    notebook: {
      async write(key, fields) {
        const record = notes.get(key) ?? new Map<string, string>();
        for (const [field, value] of Object.entries(fields)) record.set(field, value);
        notes.set(key, record);
      },
      async read(key, fields) {
        return fields.map((field) => notes.get(key)?.get(field) ?? null);
      },
      async erase(key, fields) {
        for (const field of fields) notes.get(key)?.delete(field);
        if (notes.get(key)?.size === 0) notes.delete(key);
      },
    },
    rate: rates((window) => new RateLimiterMemory({ keyPrefix: 'rate', ...window })),
    async work(given: GroupProcessors, work: WorkOptions) {
      const mine = queuesOf(checkProcessors(given));
      const twice = mine.filter((name) => states.get(name)!.worked);
      if (twice.length) throw new Error(`Already working queue ${twice.join(', ')} in this process`);
      Object.assign(processors, given);
      if (work.onGiveUp) for (const name of Object.keys(given) as JobName[]) giveUp.set(name, work.onGiveUp);
      for (const name of mine) {
        const state = states.get(name)!;
        Object.assign(state, { worked: true, ...queuePolicy(name, work) });
        pump(name);
      }
    },
    async depth() {
      return [...states].flatMap(([queue, state]) => [
        { queue, state: 'waiting', count: state.waiting.length },
        { queue, state: 'active', count: state.active },
      ]);
    },
    async ping() {
      return 'PONG';
    },
    async close() {
      closed = true;
      const dropped = [...states.values()].reduce((total, state) => total + state.waiting.length, 0);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (dropped) log.warn({ dropped }, 'in-process jobs dropped at shutdown');
      while ([...states.values()].some((state) => state.active > 0)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
