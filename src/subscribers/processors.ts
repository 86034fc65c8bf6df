import type { Config } from '../config.js';
import { workOptions } from '../jobs/index.js';
import type { JobOutcome, JobQueue, SubscriberProcessors } from '../jobs/types.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import { subscriberMailDeps, type SubscriberMailDeps } from './deps.js';
import { sendSubscriberMails } from './messages.js';
import { erasePendingBefore } from './operator-repo.js';

/** Sign-up mail's processors: plain functions over plain dependencies, wrapped by whichever runner is in use. */
export function subscriberProcessors(deps: SubscriberMailDeps): SubscriberProcessors {
  return {
    'subscriber-mail': (data, context) => sendSubscriberMails(deps, data, context),
    'pending-expiry': () => expirePendingSignUps(deps),
  };
}

export const pendingExpiryScheduleId = 'pending-expiry';

/**
 * Works the subscriber jobs in this process (the worker, or `serve` without
 * Redis) and keeps their daily schedule: unconfirmed sign-ups are looked at
 * every night at 03:20 in DIGEST_TZ. Upserting under a fixed id means every
 * process that starts may call this.
 */
export async function workSubscriberJobs(
  config: Config,
  parts: { queue: JobQueue; db: Db; mailer: Mailer; templates: Templates; tokenSecret: string; logger: Logger },
): Promise<void> {
  const { queue } = parts;
  await queue.work(subscriberProcessors(subscriberMailDeps(config, parts)), workOptions(config));
  await queue.upsertScheduler(pendingExpiryScheduleId, { pattern: '20 3 * * *', tz: config.DIGEST_TZ }, { name: 'pending-expiry', data: { trigger: 'schedule' } });
}

const nothingSent: JobOutcome = { sent: 0, skipped: 0, failed: 0 };

/**
 * Erases the sign-ups nobody confirmed: an address someone typed in, that
 * never said yes, is not kept past PENDING_EXPIRY_DAYS (0 keeps them). The
 * rows stay, erased, so the mail log still adds up; signing up again starts
 * afresh.
 */
export async function expirePendingSignUps(deps: SubscriberMailDeps): Promise<JobOutcome> {
  if (deps.pendingExpiryDays === 0) return nothingSent;
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.pendingExpiryDays * 86_400_000);
  const erased = await erasePendingBefore(deps.db, cutoff, now);
  deps.logger.info({ erased, days: deps.pendingExpiryDays }, 'unconfirmed sign-ups erased');
  return nothingSent;
}
