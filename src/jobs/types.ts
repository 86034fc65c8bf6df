import type { Queue } from 'bullmq';

/**
 * The jobs of the service and what each carries: ids and cursors, never
 * objects, so a processor always reads the current truth from the database.
 */
export interface JobData {
  /** The weekly schedule's job: start (or join) the run for the week that just ended. */
  'digest-run': { trigger: 'schedule' };
  /** Queue a run's send jobs, resuming from the run's cursors. */
  'digest-fan-out': { runId: number };
  /** Build, render and send one batch of a run's subscribers, or of its feed recipients. */
  'digest-send': { runId: number; subscriberIds: number[] } | { runId: number; feedRecipientIds: number[] };
}

export type JobName = keyof JobData;

export const jobNames = ['digest-run', 'digest-fan-out', 'digest-send'] as const satisfies readonly JobName[];

/**
 * Two queues: sends are rate-limited together, while starting and fanning
 * out a run must never wait behind a week's worth of sends.
 */
export const queueOf = {
  'digest-run': 'digest-runs',
  'digest-fan-out': 'digest-runs',
  'digest-send': 'digest-sends',
} as const satisfies Record<JobName, string>;

export type QueueName = (typeof queueOf)[JobName];
export const queueNames = [...new Set(Object.values(queueOf))] as QueueName[];

/** What a processor did, for logs and the job's stored result. */
export interface JobOutcome {
  sent: number;
  skipped: number;
  failed: number;
}

export interface JobContext {
  /** 1 on the first try. */
  attempt: number;
  /** True when a thrown error will not be retried: the processor settles for good instead. */
  lastAttempt: boolean;
}

export type Processor<Name extends JobName> = (data: JobData[Name], context: JobContext) => Promise<JobOutcome>;
export type Processors = { [Name in JobName]: Processor<Name> };

/** Calls the processor for a job by its name (the runners know names only at run time). */
export function runProcessor(processors: Processors, name: JobName, data: unknown, context: JobContext): Promise<JobOutcome> {
  return (processors[name] as Processor<JobName>)(data as never, context);
}

export interface NewJob<Name extends JobName = JobName> {
  name: Name;
  data: JobData[Name];
  /** Deterministic: adding a job whose id is already queued adds nothing. */
  jobId: string;
}

export type Repeat = { pattern: string; tz: string } | { every: number };

/** The job queue domain code sees: BullMQ on Redis, or the in-process runner. */
export interface JobQueue {
  readonly mode: 'redis' | 'inline';
  /** The BullMQ queues themselves, for Bull Board; absent in-process. */
  readonly queues?: readonly Queue[];
  add<Name extends JobName>(job: NewJob<Name>): Promise<void>;
  addBulk(jobs: NewJob[]): Promise<void>;
  /** Creates or updates a repeating job; the same id replaces the earlier schedule. */
  upsertScheduler<Name extends JobName>(id: string, repeat: Repeat, job: { name: Name; data: JobData[Name] }): Promise<void>;
  /** Starts processing with these processors (each job name must have one). */
  work(processors: Processors, options: WorkOptions): Promise<void>;
  /** Jobs per queue and state, read when /metrics is scraped. */
  depth(): Promise<{ queue: QueueName; state: string; count: number }[]>;
  /** Redis answers (readyz); the inline runner always does. */
  ping(): Promise<unknown>;
  /** Stops taking jobs, lets those in flight finish, then disconnects. */
  close(): Promise<void>;
}

export interface WorkOptions {
  /** Send jobs in flight at once in this process. */
  concurrency: number;
  /** At most `max` send jobs start per `duration` ms, across every worker. */
  limiter: { max: number; duration: number };
}

/** Retries and retention of every job: bounded, so Redis never fills up with history. */
export const jobDefaults = {
  attempts: 10,
  /** Exponential: 1 s, 2 s, 4 s ... about 8.5 minutes over ten attempts. */
  backoffMs: 1000,
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

export class MissingProcessorError extends Error {
  override readonly name = 'MissingProcessorError';
}

/** Start-up fails, naming the job, when a job could be queued that nothing would process. */
export function checkProcessors(processors: Partial<Processors>): asserts processors is Processors {
  const missing = jobNames.filter((name) => typeof processors[name] !== 'function');
  if (missing.length) throw new MissingProcessorError(`No processor for job ${missing.map((name) => `"${name}"`).join(', ')}`);
}
