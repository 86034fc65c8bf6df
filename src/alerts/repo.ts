import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db } from '../db/client.js';
import { meetingHeads, type MeetingHead } from '../meetings/queries.js';
import { alertMails, alerts, documents, follows, meetings, sections, type AlertReason, type DeliveryStatus } from '../db/schema/index.js';

/**
 * The SQL of alerts: which meetings a pass looks at, the alerts it records
 * (one per subscriber and meeting), who has alerts waiting, and alert mails
 * from claim to settlement (one per subscriber and day).
 */

/** Meetings still to come whose agenda a pass may alert about: not cancelled, with items. */
const alertable = (now: Date) => sql`${meetings.startsAt} > ${now.toISOString()} and ${meetings.status} <> 'cancelled'
  and exists (select 1 from ${sections} s where s.meeting_id = ${meetings.id})`;

/**
 * The meetings a pass considers: those named (an import's), or those whose
 * agenda (a harvest's part) or summary (an import's part) was published or
 * changed substantially since `since`; in both cases still to come.
 */
export async function candidateMeetings(db: Db, scope: { meetingIds?: readonly number[]; since?: Date }, now: Date): Promise<number[]> {
  const named = scope.meetingIds ? sql`${meetings.id} = any(${pgArray([...scope.meetingIds], 'bigint')})` : undefined;
  const since = scope.since?.toISOString();
  const changed = since ? sql`(${meetings.agendaChangedAt} >= ${since} or ${meetings.summaryChangedAt} >= ${since})` : undefined;
  if (!named && !changed) return [];
  const rows = await db
    .select({ id: meetings.id })
    .from(meetings)
    .where(and(named, changed, alertable(now)))
    .orderBy(asc(meetings.id));
  return rows.map((row) => row.id);
}

/** (subscriber, meeting) pairs where the subscriber followed something from that very meeting: its agenda is no news to them. */
export async function followedFrom(db: Db, meetingIds: readonly number[]): Promise<Set<string>> {
  if (meetingIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ subscriberId: follows.subscriberId, meetingId: follows.meetingId })
    .from(follows)
    .where(sql`${follows.meetingId} = any(${pgArray([...meetingIds], 'bigint')})`);
  return new Set(rows.map((row) => `${row.subscriberId}:${row.meetingId}`));
}

/** Subscribers opted in to the committee of each of these meetings. */
export async function committeeOptIns(db: Db, meetingIds: readonly number[]): Promise<{ subscriberId: number; meetingId: number }[]> {
  if (meetingIds.length === 0) return [];
  const result = await db.execute<{ subscriber_id: string; meeting_id: string }>(sql`
    select ac.subscriber_id, m.id as meeting_id
    from meetings m join alert_committees ac on ac.committee_id = m.committee_id
    where m.id = any(${pgArray([...meetingIds], 'bigint')})`);
  return result.rows.map((row) => ({ subscriberId: Number(row.subscriber_id), meetingId: Number(row.meeting_id) }));
}

export interface NewAlert {
  subscriberId: number;
  meetingId: number;
  reason: AlertReason;
  sectionIds: number[];
  followed: string[];
}

/**
 * Records alerts, once per (subscriber, meeting): an alert already there,
 * from an earlier pass or harvest, stays as it is. Only active subscribers
 * get alerts (a paused one is sent nothing). Answers how many were new, by
 * reason. One statement per 5,000 rows.
 */
export async function recordAlerts(db: Db, rows: readonly NewAlert[]): Promise<Record<AlertReason, number>> {
  const recorded: Record<AlertReason, number> = { follow: 0, committee: 0 };
  for (let start = 0; start < rows.length; start += 5000) {
    const slice = rows.slice(start, start + 5000);
    const result = await db.execute<{ reason: AlertReason; n: number }>(sql`
      with inserted as (
        insert into alerts (subscriber_id, meeting_id, reason, section_ids, followed)
        select r.subscriber_id, r.meeting_id, r.reason, coalesce(r.section_ids::bigint[], '{}'), coalesce(r.followed::text[], '{}')
        from unnest(
          ${pgArray(slice.map((row) => row.subscriberId), 'bigint')}, ${pgArray(slice.map((row) => row.meetingId), 'bigint')},
          ${pgArray(slice.map((row) => row.reason), 'text')},
          ${pgArray(slice.map((row) => `{${row.sectionIds.join(',')}}`), 'text')},
          ${pgArray(slice.map((row) => pgTextArray(row.followed)), 'text')}
        ) as r(subscriber_id, meeting_id, reason, section_ids, followed)
        join subscribers s on s.id = r.subscriber_id and s.status = 'active'
        order by r.subscriber_id, r.meeting_id
        on conflict (subscriber_id, meeting_id) do nothing
        returning reason
      )
      select reason, count(*)::int as n from inserted group by reason`);
    for (const row of result.rows) recorded[row.reason] += row.n;
  }
  return recorded;
}

/** A text[] literal: each value double-quoted, quotes and backslashes escaped. */
function pgTextArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/**
 * Subscribers with an alert waiting, for a meeting still to come, who have
 * no alert mail for `day` yet: whom a pass mails now. The rest wait for the
 * next day's pass.
 */
export async function subscribersToMail(db: Db, day: string, now: Date): Promise<number[]> {
  const result = await db.execute<{ subscriber_id: string }>(sql`
    select distinct a.subscriber_id
    from alerts a join meetings m on m.id = a.meeting_id
    where a.mail_id is null and a.subscriber_id is not null
      and m.starts_at > ${now.toISOString()} and m.status <> 'cancelled'
      and not exists (select 1 from alert_mails am where am.subscriber_id = a.subscriber_id and am.day = ${day})
    order by a.subscriber_id`);
  return result.rows.map((row) => Number(row.subscriber_id));
}

export interface MailClaim {
  id: number;
  subscriberId: number;
  messageId: string;
  /** 1 for a first claim; more when an earlier attempt released it or died holding it. */
  attempts: number;
}

/**
 * Claims subscribers' alert mails for the day in one statement, and gives a
 * newly made mail the alerts waiting for it (meetings still to come). A new
 * row is ours only when the subscriber has such an alert; an existing one
 * when it was released for a retry or is still 'claimed' by an attempt that
 * died before `staleBefore`. A mail keeps the alerts it was first given: a
 * re-claimed mail (the same Message-ID) carries exactly what the first
 * attempt may have sent, and alerts that came since wait for the next day.
 */
export async function claimAlertMails(
  db: Db,
  claim: { day: string; staleBefore: Date; now: Date; recipients: { subscriberId: number; messageId: string }[] },
): Promise<MailClaim[]> {
  if (claim.recipients.length === 0) return [];
  const result = await db.execute<{ id: string; subscriber_id: string; message_id: string; attempts: number }>(sql`
    with claimed as (
      insert into alert_mails as am (subscriber_id, day, message_id, attempts)
      select r.subscriber_id, ${claim.day}, r.message_id, 1
      from unnest(${pgArray(claim.recipients.map((each) => each.subscriberId), 'bigint')}, ${pgArray(claim.recipients.map((each) => each.messageId), 'text')})
        as r(subscriber_id, message_id)
      -- A new mail only for alerts waiting; the day's mail already there goes on to the conflict clause (a retry, a stale claim).
      where exists (
          select 1 from alerts a join meetings m on m.id = a.meeting_id
          where a.subscriber_id = r.subscriber_id and a.mail_id is null and m.starts_at > ${claim.now.toISOString()} and m.status <> 'cancelled')
        or exists (select 1 from alert_mails x where x.subscriber_id = r.subscriber_id and x.day = ${claim.day})
      -- One order for every claimer, so two attempts claiming overlapping groups wait rather than deadlock.
      order by r.subscriber_id
      on conflict (subscriber_id, day) do update
        set status = 'claimed', claimed_at = now(), attempts = am.attempts + 1, error = null
        where am.status = 'retry' or (am.status = 'claimed' and am.claimed_at < ${claim.staleBefore.toISOString()})
      returning id, subscriber_id, message_id, attempts
    ),
    assigned as (
      update alerts a set mail_id = c.id
      from claimed c, meetings m
      where a.subscriber_id = c.subscriber_id and a.mail_id is null and m.id = a.meeting_id
        and m.starts_at > ${claim.now.toISOString()} and m.status <> 'cancelled'
        -- Only a mail that carries nothing yet takes alerts (the snapshot is from before this statement).
        and not exists (select 1 from alerts b where b.mail_id = c.id)
      returning a.id
    )
    select c.id, c.subscriber_id, c.message_id, c.attempts, (select count(*) from assigned) as assigned from claimed c`);
  return result.rows.map((row) => ({ id: Number(row.id), subscriberId: Number(row.subscriber_id), messageId: row.message_id, attempts: row.attempts }));
}

/** Where subscribers' alert mails for the day stand, for those that have one. */
export async function mailStatuses(db: Db, subscriberIds: number[], day: string): Promise<Map<number, DeliveryStatus>> {
  if (subscriberIds.length === 0) return new Map();
  const rows = await db
    .select({ subscriberId: alertMails.subscriberId, status: alertMails.status })
    .from(alertMails)
    .where(and(inArray(alertMails.subscriberId, subscriberIds), eq(alertMails.day, day)));
  return new Map(rows.map((row) => [row.subscriberId!, row.status]));
}

/** How one claimed alert mail ended. */
export type MailSettlement =
  | { id: number; status: 'sent'; subject: string; meetings: number }
  | { id: number; status: 'skipped' | 'failed' | 'retry'; reason: string };

/** Writes how a group of claimed mails ended, in one statement; a row no longer 'claimed' (taken over as stale) is left alone. */
export async function settleAlertMails(db: Db, settled: readonly MailSettlement[]): Promise<void> {
  if (settled.length === 0) return;
  const sent = (each: MailSettlement) => (each.status === 'sent' ? each : undefined);
  await db.execute(sql`
    update alert_mails am set
      status = v.status,
      error = v.error,
      sent_at = case when v.status = 'sent' then now() else am.sent_at end,
      subject = coalesce(v.subject, am.subject),
      meetings = coalesce(v.meetings, am.meetings)
    from unnest(
      ${pgArray(settled.map((each) => each.id), 'bigint')}, ${pgArray(settled.map((each) => each.status), 'text')},
      ${pgArray(settled.map((each) => (each.status === 'sent' ? null : each.reason)), 'text')},
      ${pgArray(settled.map((each) => sent(each)?.subject ?? null), 'text')}, ${pgArray(settled.map((each) => sent(each)?.meetings ?? null), 'int')}
    ) as v(id, status, error, subject, meetings)
    where am.id = v.id and am.status = 'claimed'`);
}

/** One alert as a mail shows it: its meeting, and the items that matched. */
export interface AlertRow {
  mailId: number;
  alertId: number;
  reason: AlertReason;
  followed: string[];
  /** The items that matched when the alert was recorded (a later harvest may have renumbered them). */
  sectionIds: number[];
  meeting: Pick<MeetingHead, 'id' | 'title' | 'committee' | 'council' | 'councilWebsite' | 'startsAt' | 'endsAt' | 'location' | 'councilUrl'>;
  /** The meeting's agenda items, in order. */
  items: AlertItem[];
}

export interface AlertItem {
  id: number;
  number: string | null;
  heading: string;
  agenda: unknown[];
  publicSpeaking: boolean | null;
  papers: { title: string; url: string }[];
}

/**
 * The alerts each of these mails carries, with what the mail shows: the
 * meeting, and its matched items (for a follow) or every item (for a
 * committee) with their agenda text and public papers. Four queries for a
 * whole claim group, the meetings' heads (meetings/queries.ts `meetingHeads`)
 * and their items side by side.
 */
export async function alertsOfMails(db: Db, mailIds: readonly number[]): Promise<Map<number, AlertRow[]>> {
  const byMail = new Map<number, AlertRow[]>();
  if (mailIds.length === 0) return byMail;
  const found = await db
    .select({ alertId: alerts.id, mailId: alerts.mailId, reason: alerts.reason, followed: alerts.followed, sectionIds: alerts.sectionIds, meetingId: alerts.meetingId })
    .from(alerts)
    .where(sql`${alerts.mailId} = any(${pgArray([...mailIds], 'bigint')})`);
  const meetingIds = [...new Set(found.map((row) => row.meetingId))];
  const [heads, items] = await Promise.all([
    meetingHeads(db, meetingIds),
    meetingIds.length
      ? db
          .select({ id: sections.id, meetingId: sections.meetingId, number: sections.number, heading: sections.heading, agenda: sections.agenda, publicSpeaking: sections.publicSpeaking, level: sections.level })
          .from(sections)
          .where(sql`${sections.meetingId} = any(${pgArray(meetingIds, 'bigint')})`)
          .orderBy(asc(sections.meetingId), asc(sections.position))
      : [],
  ]);
  // In meeting order (start, then id); an alert whose meeting is gone has nothing to show.
  const rows = found
    .flatMap((row) => {
      const head = heads.get(row.meetingId);
      return head ? [{ ...row, head }] : [];
    })
    .sort((a, b) => a.head.startsAt.getTime() - b.head.startsAt.getTime() || a.meetingId - b.meetingId);
  const papers = items.length
    ? await db
        .select({ sectionId: documents.sectionId, title: documents.title, url: documents.url })
        .from(documents)
        .where(sql`${documents.sectionId} = any(${pgArray(items.map((item) => item.id), 'bigint')}) and ${documents.url} is not null`)
        .orderBy(asc(documents.position))
    : [];
  const papersOf = new Map<number, { title: string; url: string }[]>();
  for (const paper of papers) papersOf.set(paper.sectionId!, [...(papersOf.get(paper.sectionId!) ?? []), { title: paper.title, url: paper.url! }]);
  const itemsOf = new Map<number, AlertItem[]>();
  for (const item of items) {
    if (item.level !== 1) continue;
    const list = itemsOf.get(item.meetingId) ?? [];
    list.push({ id: item.id, number: item.number, heading: item.heading, agenda: item.agenda, publicSpeaking: item.publicSpeaking, papers: papersOf.get(item.id) ?? [] });
    itemsOf.set(item.meetingId, list);
  }
  for (const row of rows) {
    const all = itemsOf.get(row.meetingId) ?? [];
    const alert: AlertRow = {
      mailId: row.mailId!,
      alertId: row.alertId,
      reason: row.reason,
      followed: row.followed,
      meeting: row.head,
      sectionIds: row.sectionIds,
      // Every item of the agenda: which of them the mail shows is compose.ts's choice.
      items: all,
    };
    byMail.set(alert.mailId, [...(byMail.get(alert.mailId) ?? []), alert]);
  }
  return byMail;
}
