import { describe, expect, it } from 'vitest';
import { meetingDateLabel, parseWeek, previousWeek, weekBounds, weekContaining, weekLabel } from '../../src/digests/week.js';

const london = 'Europe/London';

describe('the week of a run', () => {
  it('is by default the week that ended before the run started', () => {
    // Monday 15 September 2025, 07:00 in London: the scheduled run.
    expect(previousWeek(new Date('2025-09-15T06:00:00Z'), london)).toBe('2025-09-08');
  });

  it('starts the week at local midnight, not UTC midnight', () => {
    // Monday 00:00 in London is 23:00 UTC on the Sunday during summer time.
    expect(weekContaining(new Date('2025-09-14T22:59:00Z'), london)).toBe('2025-09-08');
    expect(weekContaining(new Date('2025-09-14T23:00:00Z'), london)).toBe('2025-09-15');
  });

  it('runs from Monday 00:00 to the next Monday 00:00 local time, also across a clock change', () => {
    const { from, to } = weekBounds('2025-10-20', london);
    expect(from.toISOString()).toBe('2025-10-19T23:00:00.000Z');
    // The clocks go back on 26 October: the week is 169 hours long.
    expect(to.toISOString()).toBe('2025-10-27T00:00:00.000Z');
  });

  it('takes any day of the week from an operator and names the week by its Monday', () => {
    expect(parseWeek('2025-09-10')).toBe('2025-09-08');
    expect(parseWeek('2025-09-08')).toBe('2025-09-08');
    expect(() => parseWeek('2025-02-30')).toThrow(/not a real date/);
    expect(() => parseWeek('last week')).toThrow(/like 2025-09-08/);
  });

  it('reads well in an email', () => {
    expect(weekLabel('2025-09-08')).toBe('8–14 September 2025');
    expect(weekLabel('2025-09-29')).toBe('29 September – 5 October 2025');
    expect(weekLabel('2025-12-29')).toBe('29 December 2025 – 4 January 2026');
    expect(meetingDateLabel('2025-09-10T09:00:00.000Z', london)).toBe('Wednesday 10 September, 10am');
    expect(meetingDateLabel('2025-09-10T13:30:00.000Z', london)).toBe('Wednesday 10 September, 2:30pm');
  });
});
