import type { JobQueue, Repeat } from './types.js';

export const weeklyScheduleId = 'weekly-digest';

/**
 * The one place the weekly run is scheduled: on DIGEST_CRON in DIGEST_TZ.
 * Upserting under a fixed id means every worker that starts may call this,
 * and a changed DIGEST_CRON replaces the old schedule instead of adding one.
 */
export async function scheduleWeeklyRun(queue: JobQueue, repeat: Repeat): Promise<void> {
  await queue.upsertScheduler(weeklyScheduleId, repeat, { name: 'digest-run', data: { trigger: 'schedule' } });
}
