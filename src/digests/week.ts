import { LRUCache } from 'lru-cache';
import { DateTime } from 'luxon';

/**
 * A week is Monday 00:00 to the next Monday 00:00 in DIGEST_TZ, named by its
 * Monday as YYYY-MM-DD. Clock changes make some weeks 167 or 169 hours long;
 * luxon does the calendar arithmetic in the zone, so those weeks still start
 * and end at local midnight.
 */
export type Week = string;

export class WeekError extends Error {
  override readonly name = 'WeekError';
}

/** The week containing `instant`. */
export function weekContaining(instant: Date, zone: string): Week {
  return DateTime.fromJSDate(instant, { zone }).startOf('week').toISODate()!;
}

/** The default week of a run: the one that ended before `now`. */
export function previousWeek(now: Date, zone: string): Week {
  return DateTime.fromJSDate(now, { zone }).startOf('week').minus({ weeks: 1 }).toISODate()!;
}

/** A date given by an operator (any day of the week) as the week containing it. */
export function parseWeek(input: string): Week {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input)) throw new WeekError(`"${input}" is not a date like 2025-09-08`);
  const day = DateTime.fromISO(input, { zone: 'UTC' });
  if (!day.isValid) throw new WeekError(`${input} is not a real date`);
  return day.startOf('week').toISODate()!;
}

/** The instants a week covers: [from, to). */
export function weekBounds(week: Week, zone: string): { from: Date; to: Date } {
  const start = DateTime.fromISO(week, { zone }).startOf('day');
  return { from: start.toJSDate(), to: start.plus({ weeks: 1 }).toJSDate() };
}

/** "8–14 September 2025", "29 September – 5 October 2025", "29 December 2025 – 4 January 2026". */
export function weekLabel(week: Week): string {
  return remembered(`week|${week}`, () => makeWeekLabel(week));
}

/**
 * Labels are pure functions of their inputs, and a run asks for the same few
 * thousands of times (each digest names its week and its meetings' days):
 * luxon's formatting is kept for the recent ones.
 */
const labels = new LRUCache<string, string>({ max: 5000 });

function remembered(key: string, make: () => string): string {
  let label = labels.get(key);
  if (label === undefined) labels.set(key, (label = make()));
  return label;
}

function makeWeekLabel(week: Week): string {
  const start = DateTime.fromISO(week, { zone: 'UTC', locale: 'en-GB' });
  const end = start.plus({ days: 6 });
  if (start.year !== end.year) return `${start.toFormat('d MMMM yyyy')} – ${end.toFormat('d MMMM yyyy')}`;
  if (start.month !== end.month) return `${start.toFormat('d MMMM')} – ${end.toFormat('d MMMM yyyy')}`;
  return `${start.toFormat('d')}–${end.toFormat('d MMMM yyyy')}`;
}

/** A meeting's day in the reader's zone: "Wednesday 10 September, 10am". */
export function meetingDateLabel(startsAt: string, zone: string, withTime = true): string {
  return remembered(`day|${startsAt}|${zone}|${withTime}`, () => makeDateLabel(startsAt, zone, withTime));
}

function makeDateLabel(startsAt: string, zone: string, withTime: boolean): string {
  const local = DateTime.fromISO(startsAt, { zone, locale: 'en-GB' });
  const day = local.toFormat('cccc d MMMM');
  if (!withTime || (local.hour === 0 && local.minute === 0)) return day;
  const time = local.minute === 0 ? local.toFormat('ha') : local.toFormat('h:mma');
  return `${day}, ${time.toLowerCase()}`;
}

/** "10 Sep": short enough for a subject line. */
export function shortDate(startsAt: string, zone: string): string {
  return remembered(`short|${startsAt}|${zone}`, () => DateTime.fromISO(startsAt, { zone, locale: 'en-GB' }).toFormat('d MMM'));
}
