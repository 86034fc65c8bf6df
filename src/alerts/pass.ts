import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../db/client.js';
import { harvests } from '../db/schema/index.js';
import { followMatches } from '../follows/find.js';
import type { JobData, JobOutcome, JobQueue } from '../jobs/types.js';
import type { AlertDeps } from './deps.js';
import { candidateMeetings, committeeOptIns, followedFrom, recordAlerts, subscribersToMail, type NewAlert } from './repo.js';

/** The daily pass looks back this far: a day, and two hours for a pass that ran late or a harvest still storing. */
export const dailyLookBackHours = 26;

/** A day in DIGEST_TZ, as alert mails are keyed: YYYY-MM-DD. */
export function alertDay(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).toISODate()!;
}

/**
 * The alert pass: which meetings' agendas are news (named by an import,
 * changed since a harvest began, or in the last day for the daily
 * schedule), the alerts they make (followMatches for the alerting follows,
 * plus committee opt-ins), recorded once per subscriber and meeting, then a
 * mail queued for each subscriber with alerts waiting and no alert mail yet
 * today. Safe to run twice or at once: recording and claiming are each one
 * statement on a unique index.
 */
export async function runAlertPass(deps: AlertDeps, data: JobData['alert-pass']): Promise<JobOutcome> {
  if (!deps.enabled) return { sent: 0, skipped: 0, failed: 0 };
  const stopTimer = deps.metrics.passSeconds.startTimer();
  const now = deps.now();
  const since = data.since ? new Date(data.since) : data.meetingIds ? undefined : new Date(now.getTime() - dailyLookBackHours * 3600_000);
  const meetingIds = await candidateMeetings(deps.db, { meetingIds: data.meetingIds, since }, now);
  const recorded = await recordAlerts(deps.db, await alertsOf(deps, meetingIds));
  for (const reason of ['follow', 'committee'] as const) if (recorded[reason]) deps.metrics.recorded.inc({ reason }, recorded[reason]);
  const day = alertDay(now, deps.zone);
  const queued = await queueAlertMails(deps, day);
  stopTimer();
  deps.logger.info({ trigger: data.trigger, meetings: meetingIds.length, recorded, day, mails: queued }, 'alert pass done');
  return { sent: queued, skipped: 0, failed: 0 };
}

/** The alerts these meetings make: one per (subscriber, meeting), a follow's reason winning over a committee's. */
async function alertsOf(deps: AlertDeps, meetingIds: number[]): Promise<NewAlert[]> {
  if (meetingIds.length === 0) return [];
  const [matches, optIns, known] = await Promise.all([
    followMatches(deps.db, meetingIds, { alertingOnly: true }),
    committeeOptIns(deps.db, meetingIds),
    followedFrom(deps.db, meetingIds),
  ]);
  const byPair = new Map<string, NewAlert>();
  for (const match of matches) {
    const key = `${match.subscriberId}:${match.meetingId}`;
    // Followed from this very meeting: its agenda is what they followed, not news.
    if (known.has(key)) continue;
    const alert = byPair.get(key) ?? { subscriberId: match.subscriberId, meetingId: match.meetingId, reason: 'follow' as const, sectionIds: [], followed: [] };
    if (!alert.sectionIds.includes(match.sectionId)) alert.sectionIds.push(match.sectionId);
    if (!alert.followed.includes(match.label)) alert.followed.push(match.label);
    byPair.set(key, alert);
  }
  for (const { subscriberId, meetingId } of optIns) {
    const key = `${subscriberId}:${meetingId}`;
    if (!byPair.has(key)) byPair.set(key, { subscriberId, meetingId, reason: 'committee', sectionIds: [], followed: [] });
  }
  return [...byPair.values()];
}

/**
 * Queues today's alert mails for everyone with alerts waiting and no alert
 * mail today, in batches. A batch's job id names the day and its
 * subscribers, so two passes at once queue it once.
 */
async function queueAlertMails(deps: AlertDeps, day: string): Promise<number> {
  const subscriberIds = await subscribersToMail(deps.db, day, deps.now());
  const jobs = [];
  for (let start = 0; start < subscriberIds.length; start += deps.batchSize) {
    const batch = subscriberIds.slice(start, start + deps.batchSize);
    const digest = createHash('sha256').update(batch.join(',')).digest('hex').slice(0, 12);
    jobs.push({ name: 'alert-send' as const, data: { day, subscriberIds: batch }, jobId: `alert-send-${day}-${batch[0]}-${digest}` });
  }
  if (jobs.length) await deps.queue.addBulk(jobs);
  return subscriberIds.length;
}

/** Queues the pass for a harvest that ended: the meetings whose agenda it stored or changed since it began. */
export async function queueAlertPassAfterHarvest(deps: { enabled: boolean; db: Db; queue: JobQueue }, harvestId: number): Promise<void> {
  if (!deps.enabled) return;
  const [row] = await deps.db.select({ startedAt: harvests.startedAt }).from(harvests).where(eq(harvests.id, harvestId));
  if (!row?.startedAt) return;
  await queueAlertPass(deps, { trigger: 'harvest', since: row.startedAt.toISOString() }, String(harvestId));
}

/** Queues the pass for an import: the meetings it created or changed. */
export async function queueAlertPassAfterImport(deps: { enabled: boolean; queue: JobQueue; now(): Date }, outcomes: readonly { id: number; action: string }[]): Promise<void> {
  const meetingIds = outcomes.filter((outcome) => outcome.action !== 'unchanged').map((outcome) => outcome.id);
  if (meetingIds.length === 0) return;
  await queueAlertPass(deps, { trigger: 'import', meetingIds }, `${meetingIds[0]}-${deps.now().getTime()}`);
}

/**
 * Queues an alert pass, unless alerts are off. `key` makes its job id: the
 * harvest's id, an import's first meeting and time, the day.
 */
export async function queueAlertPass(deps: { enabled: boolean; queue: JobQueue }, data: JobData['alert-pass'], key: string): Promise<void> {
  if (!deps.enabled) return;
  await deps.queue.add({ name: 'alert-pass', data, jobId: `alert-pass-${data.trigger}-${key}` });
}
