import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import { rateWindow, type Rate } from '../../src/jobs/rate.js';
import { createLogger } from '../../src/logger.js';
import { redisPrefix, testRedisUrl } from '../helpers/redis.js';

const logger = createLogger({ level: 'silent' });
const prefix = redisPrefix();
const otherPrefix = redisPrefix();

/** Takes `count` at once from the rates in turn; answers when each was granted, in ms after the first grant. */
async function grants(rates: Rate[], count: number): Promise<number[]> {
  const started = performance.now();
  const at = await Promise.all(Array.from({ length: count }, (_, n) => rates[n % rates.length]!.take().then(() => performance.now() - started)));
  const first = Math.min(...at);
  return at.map((time) => time - first).sort((a, b) => a - b);
}

describe('a send rate', () => {
  it('holds the configured rate in whole takes over windows of whole seconds', () => {
    expect(rateWindow(10)).toEqual({ points: 10, duration: 1 });
    expect(rateWindow(10_000)).toEqual({ points: 10_000, duration: 1 });
    expect(rateWindow(2.5)).toEqual({ points: 5, duration: 2 });
    expect(rateWindow(0.2)).toEqual({ points: 1, duration: 5 });
    expect(rateWindow(1 / 7)).toEqual({ points: 1, duration: 7 });
    expect(rateWindow(0.001)).toEqual({ points: 1, duration: 1000 });
  });

  it('counts takes, not jobs: in process, the sixth of twelve at 5 a second waits for the next window', async () => {
    const queue = createInlineQueue({ logger });
    const times = await grants([queue.rate('digest-sends', 5)], 12);
    // Lower bounds only: a slow machine grants later, never sooner.
    expect(times.filter((time) => time < 900)).toHaveLength(5);
    expect(times[10]!).toBeGreaterThanOrEqual(1900);
    await queue.close();
  });

  it('is one rate for every process on the same Redis and prefix, and none for another prefix', async () => {
    const [a, b, other] = [prefix, prefix, otherPrefix].map((each) => createBullQueue({ url: testRedisUrl, prefix: each, logger }));
    const shared = await grants([a!.rate('digest-sends', 4), b!.rate('digest-sends', 4)], 8);
    expect(shared.filter((time) => time < 900)).toHaveLength(4);
    expect(shared[7]!).toBeGreaterThanOrEqual(900);
    // Its own prefix, its own count: all four at once.
    const alone = await grants([other!.rate('digest-sends', 4)], 4);
    expect(alone.every((time) => time < 900)).toBe(true);
    await Promise.all([a, b, other].map((queue) => queue!.close()));
  });
});

describe('a queue\'s notebook', () => {
  it('keeps records every process on the same Redis reads, expiring whole, and erases fields', async () => {
    const [writer, reader] = [prefix, prefix].map((each) => createBullQueue({ url: testRedisUrl, prefix: each, logger }));
    await writer!.notebook.write('sent:7', { 'subscriber:1': 'one', 'subscriber:2': 'two' }, 60);
    await writer!.notebook.write('sent:7', { 'subscriber:3': 'three' });
    expect(await reader!.notebook.read('sent:7', ['subscriber:1', 'subscriber:3', 'subscriber:9'])).toEqual(['one', 'three', null]);
    const redis = new Redis(testRedisUrl);
    const ttl = await redis.ttl(`${prefix}:notes:sent:7`);
    redis.disconnect();
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    await reader!.notebook.erase('sent:7', ['subscriber:1']);
    expect(await writer!.notebook.read('sent:7', ['subscriber:1', 'subscriber:2'])).toEqual([null, 'two']);
    await Promise.all([writer, reader].map((queue) => queue!.close()));
  });

  it('keeps them in memory in process', async () => {
    const queue = createInlineQueue({ logger });
    await queue.notebook.write('sent:7', { a: '1', b: '2' }, 60);
    await queue.notebook.erase('sent:7', ['a']);
    expect(await queue.notebook.read('sent:7', ['a', 'b'])).toEqual([null, '2']);
    await queue.close();
  });
});
