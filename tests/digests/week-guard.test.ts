import { describe, expect, it } from 'vitest';
import { weekGuard } from '../../src/digests/week-guard.js';

const london = 'Europe/London';
/** Monday 30 November 2026, 10:00 in London. */
const monday = new Date('2026-11-30T10:00:00Z');

describe('the week guard of a real run', () => {
  it('refuses the current week and says when it ends in DIGEST_TZ', () => {
    const refusal = weekGuard('2026-11-30', monday, london);
    expect(refusal).toMatchObject({ reason: 'unfinished', endsAt: new Date('2026-12-07T00:00:00Z') });
    expect(refusal!.message).toMatch(/ends Monday 7 December 2026, 00:00 Europe\/London/);
  });

  it('refuses a week in the future', () => {
    expect(weekGuard('2026-12-14', monday, london)).toMatchObject({ reason: 'unfinished' });
  });

  it('lets the week that just ended run, from the first minute of the next, local time', () => {
    // 23:00 UTC on Sunday 28 June is Monday 00:00 in London (summer time).
    expect(weekGuard('2026-06-22', new Date('2026-06-28T22:59:00Z'), london)).toMatchObject({ reason: 'unfinished' });
    expect(weekGuard('2026-06-22', new Date('2026-06-28T23:00:00Z'), london)).toBeUndefined();
    expect(weekGuard('2026-11-23', monday, london)).toBeUndefined();
  });

  it('lets a week 8 weeks back run and refuses one 9 weeks back as old news', () => {
    expect(weekGuard('2026-10-05', monday, london)).toBeUndefined();
    expect(weekGuard('2026-09-28', monday, london)).toMatchObject({ reason: 'old', weeksAgo: 9 });
    expect(weekGuard('2026-09-28', monday, london)!.message).toMatch(/9 weeks ago, more than 8/);
  });
});
