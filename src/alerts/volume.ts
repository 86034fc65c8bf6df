import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/** Alert volume as the console's dashboard shows it: the last day and week, and what waits. */
export interface AlertVolume {
  /** Alerts recorded (one per subscriber and meeting) in the last 24 hours and 7 days. */
  recorded: { day: number; week: number };
  /** Alert mails the SMTP server accepted in the last 24 hours and 7 days. */
  sent: { day: number; week: number };
  /** Alert mails that failed for good in the last 7 days. */
  failed: number;
  /** Alerts waiting for a mail (tomorrow's, when their subscriber had one today), for meetings still to come. */
  waiting: number;
}

export async function alertVolume(db: Db, now: Date): Promise<AlertVolume> {
  const day = new Date(now.getTime() - 86_400_000).toISOString();
  const week = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const result = await db.execute<{ recorded_day: number; recorded_week: number; sent_day: number; sent_week: number; failed: number; waiting: number }>(sql`
    select
      (select count(*) from alerts where created_at >= ${day})::int as recorded_day,
      (select count(*) from alerts where created_at >= ${week})::int as recorded_week,
      (select count(*) from alert_mails where sent_at >= ${day})::int as sent_day,
      (select count(*) from alert_mails where sent_at >= ${week})::int as sent_week,
      (select count(*) from alert_mails where status = 'failed' and claimed_at >= ${week})::int as failed,
      (select count(*) from alerts a join meetings m on m.id = a.meeting_id
        where a.mail_id is null and a.subscriber_id is not null and m.starts_at > ${now.toISOString()} and m.status <> 'cancelled')::int as waiting`);
  const row = result.rows[0]!;
  return { recorded: { day: row.recorded_day, week: row.recorded_week }, sent: { day: row.sent_day, week: row.sent_week }, failed: row.failed, waiting: row.waiting };
}
