import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** A pace shared by everything that takes from it: every process on one Redis, or one process without. */
export interface Rate {
  /** Resolves when one more may go: at once while the window has room, else when the next window opens. */
  take(): Promise<void>;
}

/**
 * The fixed window that holds `perSecond` on average in whole numbers: the
 * shortest window of whole seconds (up to a minute) in which the rate is a
 * whole number of takes, within 1% (10/s: 10 a second; 2.5/s: 5 every 2 s;
 * 0.2/s: 1 every 5 s). Rarer rates take one per 1/rate seconds.
 */
export function rateWindow(perSecond: number): { points: number; duration: number } {
  for (let duration = 1; duration <= 60; duration += 1) {
    const points = perSecond * duration;
    if (points >= 1 && Math.abs(points - Math.round(points)) <= 0.01 * points) return { points: Math.round(points), duration };
  }
  return { points: 1, duration: Math.ceil(1 / perSecond) };
}

/**
 * Takes counted by a rate-limiter-flexible limiter (Redis or memory) across
 * processes. At high rates a process asks for a few at once (a hundredth of
 * the window, at most 10) and hands them out itself, so a busy worker
 * talks to Redis once per few sends; what it has not used lapses with its
 * window, so no window ever exceeds the rate. A request the window cannot
 * fill in full is refused and counts, so at most that hundredth of a window
 * goes unused. Takers of one process wait together for the next window.
 */
export function countedRate(limiter: RateLimiterAbstract, key: string): Rate {
  const chunk = Math.max(1, Math.min(10, Math.floor(limiter.points / 100)));
  let spare = 0;
  let lapsesAt = 0;
  let refill: Promise<void> | undefined;
  const fill = async () => {
    for (;;) {
      try {
        const granted = await limiter.consume(key, chunk);
        spare = chunk;
        lapsesAt = Date.now() + granted.msBeforeNext;
        return;
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        await sleep(Math.max(1, refusal.msBeforeNext));
      }
    }
  };
  return {
    async take() {
      while (spare === 0 || Date.now() >= lapsesAt) {
        refill ??= fill().finally(() => (refill = undefined));
        await refill;
      }
      spare -= 1;
    },
  };
}

/**
 * `JobQueue.rate` over a store of counters: one `Rate` per name and rate in
 * a process (its takers wait together), each counting in `limiter(window)`.
 */
export function rates(limiter: (window: { points: number; duration: number }) => RateLimiterAbstract): (name: string, perSecond: number) => Rate {
  const made = new Map<string, Rate>();
  return (name, perSecond) => {
    const key = `${name}:${perSecond}`;
    if (!made.has(key)) made.set(key, countedRate(limiter(rateWindow(perSecond)), name));
    return made.get(key)!;
  };
}
