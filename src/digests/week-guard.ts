import { DateTime } from 'luxon';
import { weekBounds, weekContaining, type Week } from './week.js';

/** Weeks back beyond which a real run asks for `force`: it would mail old news. */
export const oldWeekLimit = 8;

/** Why a real run for a week is refused unless forced. */
export type WeekRefusal =
  | { reason: 'unfinished'; endsAt: Date; message: string }
  | { reason: 'old'; weeksAgo: number; message: string };

/**
 * Whether a real run for `week` may start at `now`. A week is sent exactly
 * once, so a run before the week ends would mail a partial digest and then
 * nothing more for that week; a run for a week long past would mail old
 * news. Both need an operator's `force`. Dry runs send nothing and are not
 * asked; the schedule runs the week that just ended and is never asked.
 */
export function weekGuard(week: Week, now: Date, zone: string): WeekRefusal | undefined {
  const { to } = weekBounds(week, zone);
  if (to.getTime() > now.getTime()) {
    const local = DateTime.fromJSDate(to, { zone }).setLocale('en-GB').toFormat('cccc d MMMM yyyy, HH:mm');
    return {
      reason: 'unfinished',
      endsAt: to,
      message: `The week of ${week} has not ended: it ends ${local} ${zone} (${to.toISOString()}). A real run now would send a partial digest and nothing more for that week; do a dry run, wait, or force it.`,
    };
  }
  const current = DateTime.fromISO(weekContaining(now, zone), { zone: 'UTC' });
  const weeksAgo = Math.round(current.diff(DateTime.fromISO(week, { zone: 'UTC' }), 'weeks').weeks);
  if (weeksAgo > oldWeekLimit) {
    return {
      reason: 'old',
      weeksAgo,
      message: `The week of ${week} began ${weeksAgo} weeks ago, more than ${oldWeekLimit}: a real run would mail old news. Force it if that is meant.`,
    };
  }
  return undefined;
}

/** A real run an operator asked for that the week guard refused; `force` overrides it. */
export class RunRefusedError extends Error {
  override readonly name = 'RunRefusedError';
  constructor(readonly refusal: WeekRefusal) {
    super(refusal.message);
  }
}
