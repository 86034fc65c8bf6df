import { alertDeps, type AlertDeps } from '../alerts/deps.js';
import { createAlertMetrics } from '../alerts/metrics.js';
import { queueAlertPassAfterHarvest, queueAlertPassAfterImport, runAlertPass } from '../alerts/pass.js';
import { sendAlertBatch } from '../alerts/send.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { digestDeps, mailSettings, type DigestDeps } from '../digests/deps.js';
import { createDigestMetrics, type DigestMetrics } from '../digests/metrics.js';
import type { PreviewDeps } from '../digests/preview.js';
import { fanOut, startScheduledRun } from '../digests/runs.js';
import { sendDigestBatch } from '../digests/send.js';
import type { ConsoleMailDeps } from '../console/emails.js';
import type { FeedDeps } from '../feeds/deps.js';
import { sendFeedConfirmations } from '../feeds/emails.js';
import { createHarvestMetrics, type HarvestMetrics } from '../harvest/metrics.js';
import { harvestDeps, harvestNightly, harvestSource, settleFailedHarvestJob, type HarvestJobDeps } from '../harvest/processors.js';
import type { HarvestDeps } from '../harvest/run.js';
import { inboundDeps, type InboundDeps } from '../inbound/deps.js';
import { createJobQueue, workOptions } from '../jobs/index.js';
import { mailingDeps } from '../mail/outbox.js';
import { jobGroups, type GroupProcessors, type JobData, type JobGroup, type JobHandlers, type JobName, type JobQueue, type Repeat, type WorkOptions } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import { loadTemplates, type Templates } from '../mail/templates.js';
import { createMailer, type Mailer } from '../mail/transport.js';
import { subscriberDeps, subscriberMailDeps, type SubscriberDeps, type SubscriberMailDeps } from '../subscribers/deps.js';
import { sendSubscriberMails } from '../subscribers/messages.js';
import { expirePendingSignUps } from '../subscribers/processors.js';
import { resolveTokenSecret } from '../tokens/link-secret.js';

/**
 * The composition root of every process: the one place dependencies are
 * built (`wire`, and the lighter `wire*` for commands that need one
 * capability), the one table of job handlers (`jobHandlers`) and every
 * schedule (`schedules`). Domain folders export plain functions and their
 * `*Deps` shapes; nothing registers itself.
 */

/** What `wire` starts from: a process's runtime (main/runtime.ts), or a test's database and settings. */
export interface WiringBase {
  config: Config;
  logger: Logger;
  database: Database;
}

/** Parts a caller brings instead of the defaults: tests pass their SMTP sink's mailer, a pinned clock, their own queue. */
export interface WiringOptions {
  queue?: JobQueue;
  mailer?: Mailer;
  templates?: Templates;
  tokenSecret?: string;
  metrics?: DigestMetrics;
  /** The clock of every capability; tests pin it. Default: the system's. */
  now?: () => Date;
}

/** Every capability's dependencies, built once, and what they share. The API takes it as its AppDeps. */
export interface Wiring extends WiringBase {
  templates: Templates;
  /** HMAC key for link tokens (tokens/signed-links.ts). */
  tokenSecret: string;
  mailer: Mailer;
  metrics: DigestMetrics;
  queue: JobQueue;
  now: () => Date;
  /** The weekly run. */
  digests: DigestDeps;
  /** Sign-up, confirmation and preferences. */
  subscribers: SubscriberDeps;
  /** What the `subscriber-mail` and `pending-expiry` jobs send and erase with. */
  subscriberMail: SubscriberMailDeps;
  /** Partners' feeds and their recipients. */
  feeds: FeedDeps;
  /** Reading councils' sites: the harvest jobs, source checks. */
  harvest: HarvestJobDeps;
  /** Returned mail: bounces, complaints and unsubscribes, from the inbound server, the IMAP poller or the webhooks. */
  returns: InboundDeps;
  /** Alerts when a newly published agenda lists what a subscriber follows: the pass and the alert mails. */
  alerts: AlertDeps;
  /** Rendering a digest without sending it. */
  preview: PreviewDeps;
  /** The console's sign-in mail. */
  consoleMail: ConsoleMailDeps;
  /** The job groups this process works (startWork). */
  working: Set<JobGroup>;
  /** Stops taking jobs and drains those in flight, then closes the mail transport. */
  close(): Promise<void>;
}

/**
 * Templates (compiled once, failing the start if one is broken), the link
 * key, one pooled mail transport, the job queue and metrics, and every
 * capability's dependencies on them. Working jobs is a second step
 * (`startWork`), for the processes that do.
 */
export async function wire(base: WiringBase, options: WiringOptions = {}): Promise<Wiring> {
  const { config, logger, database } = base;
  const [templates, tokenSecret, mailer] = await Promise.all([
    options.templates ?? loadTemplates(),
    options.tokenSecret ?? resolveTokenSecret(config),
    options.mailer ?? createMailer(config, logger, { maxConnections: config.WORKER_CONCURRENCY }),
  ]);
  const metrics = options.metrics ?? createDigestMetrics();
  const queue = options.queue ?? createJobQueue(config, logger);
  metrics.watchQueue(queue);
  const now = options.now ?? (() => new Date());
  const { db } = database;
  return {
    ...base,
    templates,
    tokenSecret,
    mailer,
    metrics,
    queue,
    now,
    digests: { ...digestDeps(config, { db, queue, mailer, templates, tokenSecret, metrics, logger }), now },
    subscribers: subscriberDeps(config, { db, queue, tokenSecret, logger, now }),
    subscriberMail: subscriberMailDeps(config, { db, mailer, templates, tokenSecret, logger, now }),
    feeds: {
      ...mailingDeps(config, { db, mailer, templates, tokenSecret, logger, now }),
      queue,
      limits: { feedsPerPartner: config.FEEDS_PER_PARTNER, recipientsPerFeed: config.RECIPIENTS_PER_FEED },
    },
    harvest: { ...wireHarvest(base, { now }), queue, zone: config.DIGEST_TZ },
    returns: inboundDeps(config, { db, logger, metrics, tokenSecret, now }),
    alerts: alertDeps(config, { db, queue, mailer, templates, tokenSecret, metrics: createAlertMetrics(metrics.registry), logger, now }),
    preview: previewDeps(config, { db, templates, tokenSecret, now }),
    consoleMail: { mailer, templates, logger, baseUrl: config.PUBLIC_BASE_URL },
    working: new Set(),
    async close() {
      await queue.close();
      await mailer.close();
    },
  };
}

/** What `harvest` and `sources check` run on: no queue, no mail; the counters only where something reads them. */
export function wireHarvest(base: WiringBase, options: { metrics?: HarvestMetrics; now?: () => Date } = {}): HarvestDeps & { budgetMinutes: number } {
  return harvestDeps(base.config, { db: base.database.db, logger: base.logger, ...options });
}

/** What `digest preview` runs on: the templates and the link key, no mail transport or queue. */
export async function wirePreview(base: WiringBase): Promise<PreviewDeps> {
  const [templates, tokenSecret] = await Promise.all([loadTemplates(), resolveTokenSecret(base.config)]);
  return previewDeps(base.config, { db: base.database.db, templates, tokenSecret, now: () => new Date() });
}

/** What `council-digest inbound` runs on: the link key and counters of its own, which it serves itself. */
export async function wireInbound(base: WiringBase): Promise<{ returns: InboundDeps; metrics: DigestMetrics }> {
  const metrics = createDigestMetrics();
  const tokenSecret = await resolveTokenSecret(base.config);
  return { returns: inboundDeps(base.config, { db: base.database.db, logger: base.logger, metrics, tokenSecret }), metrics };
}

function previewDeps(config: Config, parts: Pick<PreviewDeps, 'db' | 'templates' | 'now'> & { tokenSecret: string }): PreviewDeps {
  return {
    db: parts.db,
    templates: parts.templates,
    mail: mailSettings(config, parts.tokenSecret),
    zone: config.DIGEST_TZ,
    now: parts.now,
  };
}

/**
 * Every job's handler, by name: plain functions over the wiring's
 * dependencies, wrapped by whichever runner is in use (BullMQ or the
 * in-process queue). The queue refuses to start a group with a job missing.
 */
export function jobHandlers({ digests, subscriberMail, feeds, harvest, alerts }: Wiring): JobHandlers {
  return {
    'digest-run': () => startScheduledRun(digests),
    'digest-fan-out': (data, context) => fanOut(digests, data, context),
    'digest-send': (data, context) => sendDigestBatch(digests, data, context),
    'subscriber-mail': (data, context) => sendSubscriberMails(subscriberMail, data, context),
    'pending-expiry': () => expirePendingSignUps(subscriberMail),
    'feed-confirm': (data, context) => sendFeedConfirmations(feeds, data, context),
    'harvest-nightly': () => harvestNightly(harvest),
    'harvest-source': async (data) => {
      const outcome = await harvestSource(harvest, data);
      // As soon as a harvest ends, not only on Monday: the pass looks at what it stored (created or updated).
      if (outcome.sent > 0) await queueAlertPassAfterHarvest(alerts, data.harvestId);
      return outcome;
    },
    'alert-pass': (data) => runAlertPass(alerts, data),
    'alert-send': (data, context) => sendAlertBatch(alerts, data, context),
  };
}

/**
 * A command that harvested or imported here (`harvest`, `import`) queues the
 * alert pass for a worker, over REDIS_URL. Without Redis nothing would work
 * the queued job once the command exits: the daily pass, which looks back a
 * day, takes those meetings up instead, and the log says so.
 */
export async function queueAlertsFromCommand(base: WiringBase, after: { harvestId: number } | { imported: readonly { id: number; action: string }[] }): Promise<void> {
  const { config, logger } = base;
  if (!config.ALERTS_ENABLED) return;
  if (!config.REDIS_URL) {
    logger.info('REDIS_URL unset: alerts for these meetings go out with the daily alert pass');
    return;
  }
  const queue = createJobQueue(config, logger);
  try {
    const deps = { enabled: true, db: base.database.db, queue, now: () => new Date() };
    if ('harvestId' in after) await queueAlertPassAfterHarvest(deps, after.harvestId);
    else await queueAlertPassAfterImport(deps, after.imported);
  } finally {
    await queue.close();
  }
}

export const weeklyScheduleId = 'weekly-digest';
export const pendingExpiryScheduleId = 'pending-expiry';
export const nightlyHarvestScheduleId = 'nightly-harvest';
export const dailyAlertsScheduleId = 'daily-alerts';

type ScheduledJob = { [Name in JobName]: { name: Name; data: JobData[Name] } }[JobName];

/**
 * Every schedule, in DIGEST_TZ: the weekly run on DIGEST_CRON, the expiry
 * of unconfirmed sign-ups at 03:20 every night, and the harvest of every
 * enabled source on HARVEST_CRON, and (unless ALERTS_ENABLED is false) the
 * daily alert pass on ALERT_CRON, which mails what waited since yesterday's
 * alert. Each is upserted under its fixed id, so
 * every process that starts may keep it, and a changed pattern replaces the
 * old schedule instead of adding one.
 */
export function schedules(
  config: Pick<Config, 'DIGEST_CRON' | 'HARVEST_CRON' | 'DIGEST_TZ'> & Partial<Pick<Config, 'ALERTS_ENABLED' | 'ALERT_CRON'>>,
): { id: string; repeat: Repeat; job: ScheduledJob }[] {
  const tz = config.DIGEST_TZ;
  return [
    { id: weeklyScheduleId, repeat: { pattern: config.DIGEST_CRON, tz }, job: { name: 'digest-run', data: { trigger: 'schedule' } } },
    { id: pendingExpiryScheduleId, repeat: { pattern: '20 3 * * *', tz }, job: { name: 'pending-expiry', data: { trigger: 'schedule' } } },
    { id: nightlyHarvestScheduleId, repeat: { pattern: config.HARVEST_CRON, tz }, job: { name: 'harvest-nightly', data: { trigger: 'schedule' } } },
    ...(config.ALERTS_ENABLED === false
      ? []
      : [{ id: dailyAlertsScheduleId, repeat: { pattern: config.ALERT_CRON ?? '0 7 * * *', tz }, job: { name: 'alert-pass' as const, data: { trigger: 'schedule' as const } } }]),
  ];
}

/**
 * Works job groups in this process: those named, or every group it does not
 * work yet. With `schedule`, it also keeps the schedules of the groups it
 * starts. The worker and `serve` without Redis work everything; `digest run`
 * and the demo start with the weekly run's jobs alone.
 */
export async function startWork(wiring: Wiring, options: { groups?: JobGroup[]; schedule?: boolean } = {}): Promise<void> {
  const { config, queue } = wiring;
  const handlers = jobHandlers(wiring);
  const groups = options.groups ?? (Object.keys(jobGroups) as JobGroup[]).filter((group) => !wiring.working.has(group));
  for (const group of groups) {
    wiring.working.add(group);
    // Harvest counters live where harvests run: the worker, or `serve` without Redis.
    if (group === 'harvests') wiring.harvest.metrics ??= createHarvestMetrics(wiring.metrics.registry);
    const processors = Object.fromEntries(jobGroups[group].map((name) => [name, handlers[name]])) as GroupProcessors;
    await queue.work(processors, { ...workOptions(config), onGiveUp: giveUpHandlers(wiring)[group] });
    if (!options.schedule) continue;
    for (const { id, repeat, job } of schedules(config)) {
      if ((jobGroups[group] as readonly JobName[]).includes(job.name)) await queue.upsertScheduler(id, repeat, job);
    }
  }
}

/** What settles a group's job that failed for good, where its processor keeps state a crash would leave behind. */
function giveUpHandlers(wiring: Wiring): Partial<Record<JobGroup, WorkOptions['onGiveUp']>> {
  return { harvests: settleFailedHarvestJob(wiring.database.db) };
}
