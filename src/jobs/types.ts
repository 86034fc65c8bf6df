import type { Queue } from 'bullmq';
import type { Rate } from './rate.js';

/**
 * The jobs of the service and what each carries: ids and cursors, never
 * objects, so a processor always reads the current truth from the database.
 */
export interface DigestJobData {
  /** The weekly schedule's job: start (or join) the run for the week that just ended. */
  'digest-run': { trigger: 'schedule' };
  /** Queue a run's send jobs, resuming from the run's cursors. */
  'digest-fan-out': { runId: number };
  /** Build, render and send one batch of a run's subscribers, or of its feed recipients. */
  'digest-send': { runId: number; subscriberIds: number[] } | { runId: number; feedRecipientIds: number[] };
}

export interface SubscriberJobData {
  /** Render and send the confirmation or manage-link mails that sign-ups recorded (subscriber_emails rows). */
  'subscriber-mail': { emailIds: number[] };
  /** Daily: erase the sign-ups never confirmed within PENDING_EXPIRY_DAYS. */
  'pending-expiry': { trigger: 'schedule' };
}

export interface FeedJobData {
  /** Render and send an approved feed's confirmation mails; a retry names the recipients it still has to mail. */
  'feed-confirm': { feedId: number; recipientIds?: number[] };
}

export interface HarvestJobData {
  /** Nightly: queue a harvest of every enabled source. */
  'harvest-nightly': { trigger: 'schedule' };
  /** Read one source over the window its harvest row gives. */
  'harvest-source': { harvestId: number };
}

export interface AlertJobData {
  /**
   * Record the alerts newly published agendas make, then queue a mail for each subscriber with alerts waiting and
   * no alert mail yet today: after a harvest (its meetings changed since `since`), an import (its `meetingIds`),
   * or the daily schedule (what changed in the last day, and everything that waited).
   */
  'alert-pass': { trigger: 'harvest' | 'import' | 'schedule' | 'api'; since?: string; meetingIds?: number[] };
  /** Claim, build and send one batch of subscribers' alert mails for `day` (DIGEST_TZ). */
  'alert-send': { day: string; subscriberIds: number[] };
}

export interface JobData extends DigestJobData, SubscriberJobData, FeedJobData, HarvestJobData, AlertJobData {}

export type JobName = keyof JobData;

/**
 * Jobs in groups, one per capability: a process works a whole group or none
 * of it (the API without Redis works both; `digest run` only the digests).
 */
export const jobGroups = {
  digests: ['digest-run', 'digest-fan-out', 'digest-send'],
  subscribers: ['subscriber-mail', 'pending-expiry'],
  feeds: ['feed-confirm'],
  harvests: ['harvest-nightly', 'harvest-source'],
  alerts: ['alert-pass', 'alert-send'],
} as const satisfies Record<string, readonly JobName[]>;

export type JobGroup = keyof typeof jobGroups;

/**
 * Seven queues: sends are rate-limited together, while starting and fanning
 * out a run must never wait behind a week's worth of sends, a sign-up's mail
 * or a feed's confirmations must never wait behind either (each on a queue
 * of its own, as a process works each capability's group alone), and a slow
 * council site's harvest holds up none of them. Alerts have two: a pass
 * (matching, one at a time) never waits behind alert mails being sent.
 */
export const queueOf = {
  'digest-run': 'digest-runs',
  'digest-fan-out': 'digest-runs',
  'digest-send': 'digest-sends',
  'subscriber-mail': 'subscriber-mails',
  'pending-expiry': 'subscriber-mails',
  'feed-confirm': 'feed-mails',
  'harvest-nightly': 'harvests',
  'harvest-source': 'harvests',
  'alert-pass': 'alert-passes',
  'alert-send': 'alert-sends',
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
  /**
   * What the job's next attempt works on, when it throws: a send job that
   * settled most of its batch retries only the rest. Absent where nothing
   * retries the job (a processor called directly).
   */
  retryWith?(data: JobData[JobName]): Promise<void>;
}

export type Processor<Name extends JobName> = (data: JobData[Name], context: JobContext) => Promise<JobOutcome>;
type ProcessorsOf<Names extends JobName> = { [Name in Names]: Processor<Name> };
/** Every job's processor: the one table is in src/main/wiring.ts. */
export type JobHandlers = ProcessorsOf<JobName>;
/** The weekly run's processors. */
export type DigestProcessors = ProcessorsOf<keyof DigestJobData>;
/** Sign-up mail's processors. */
export type SubscriberProcessors = ProcessorsOf<keyof SubscriberJobData>;
/** Feed mail's processor. */
export type FeedProcessors = ProcessorsOf<keyof FeedJobData>;
/** Harvests' processors. */
export type HarvestProcessors = ProcessorsOf<keyof HarvestJobData>;
/** Alerts' processors. */
export type AlertProcessors = ProcessorsOf<keyof AlertJobData>;
/** What one `JobQueue.work` call takes: every processor of one group. */
export type GroupProcessors = DigestProcessors | SubscriberProcessors | FeedProcessors | HarvestProcessors | AlertProcessors;
/** Every processor a process has been given so far, by job name. */
export type ProcessorTable = Partial<Record<JobName, Processor<JobName>>>;

/** Calls the processor for a job by its name (the runners know names only at run time). */
export function runProcessor(processors: ProcessorTable, name: JobName, data: unknown, context: JobContext): Promise<JobOutcome> {
  const processor = processors[name];
  if (!processor) return Promise.reject(new MissingProcessorError(`No processor for job "${name}" in this process`));
  return processor(data as never, context);
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
  /**
   * Starts processing one group's queues with its processors (each of its
   * jobs must have one). Called once per group a process works.
   */
  work(processors: GroupProcessors, options: WorkOptions): Promise<void>;
  /** Jobs per queue and state, read when /metrics is scraped. */
  depth(): Promise<{ queue: QueueName; state: string; count: number }[]>;
  /**
   * A pace shared where the queue's jobs are (every worker on this Redis, or
   * this process): `perSecond` takes, counted in fixed windows (rate.ts).
   * The same name answers the same pace.
   */
  rate(name: string, perSecond: number): Rate;
  /**
   * Small records every process on the queue's Redis can read, that outlive
   * a killed process (in-process: this process's memory). Writes issued in
   * the same tick as other commands travel with them.
   */
  readonly notebook: Notebook;
  /** Redis answers (readyz); the inline runner always does. */
  ping(): Promise<unknown>;
  /** Stops taking jobs, lets those in flight finish, then disconnects. */
  close(): Promise<void>;
}

export interface WorkOptions {
  /** Send jobs (and, separately, sign-up and feed mail jobs) in flight at once in this process. */
  concurrency: number;
  /**
   * Called once when one of this group's jobs fails for good: its last
   * attempt threw, or (BullMQ) it stalled more often than allowed because
   * its worker died. Where a processor keeps state a crash would leave behind.
   */
  onGiveUp?(job: { name: JobName; data: unknown }, error: Error): Promise<void>;
}

export interface Notebook {
  /** Writes fields of a record; given `ttlSeconds`, the whole record is forgotten that long after this write. */
  write(key: string, fields: Record<string, string>, ttlSeconds?: number): Promise<void>;
  /** The fields' values, null where there is none. */
  read(key: string, fields: string[]): Promise<(string | null)[]>;
  erase(key: string, fields: string[]): Promise<void>;
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

/**
 * The groups a set of processors covers. Start-up fails, naming the job,
 * when a group is covered only in part: a job of it could be queued that
 * nothing would process.
 */
export function checkProcessors(processors: Partial<Record<JobName, unknown>>): JobGroup[] {
  const covered = (Object.keys(jobGroups) as JobGroup[]).filter((group) => jobGroups[group].some((name) => name in processors));
  const missing = covered.flatMap((group) => jobGroups[group].filter((name) => typeof processors[name] !== 'function'));
  if (missing.length) throw new MissingProcessorError(`No processor for job ${missing.map((name) => `"${name}"`).join(', ')}`);
  if (!covered.length) throw new MissingProcessorError('No processor for any job');
  return covered;
}

/** The queues a group's jobs go through. */
export function queuesOf(groups: JobGroup[]): QueueName[] {
  return [...new Set(groups.flatMap((group) => jobGroups[group].map((name) => queueOf[name])))];
}

/** Sources harvested at once by one process (each site still gets at most 2 requests in flight). */
export const harvestsAtOnce = 3;

/**
 * How many jobs of each queue a process works at once: sends, sign-up mail
 * and feed mail WORKER_CONCURRENCY each (sends keep to SEND_RATE_PER_SECOND
 * message by message, through `JobQueue.rate`), harvests a few sites, and
 * starting and fanning out a run one at a time.
 */
export function queuePolicy(queue: QueueName, work: WorkOptions): { concurrency: number } {
  if (queue === 'digest-sends' || queue === 'subscriber-mails' || queue === 'feed-mails' || queue === 'alert-sends') return { concurrency: work.concurrency };
  // Each harvest paces its own site; a few sites are read at once.
  if (queue === 'harvests') return { concurrency: harvestsAtOnce };
  return { concurrency: 1 };
}
