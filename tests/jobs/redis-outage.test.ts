import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { startRedis } from '../faults/support/processes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => vi.restoreAllMocks());

describe('the BullMQ queues when Redis goes away', () => {
  it('log one line per outage through the logger, and print nothing of their own', async () => {
    const redis = await startRedis();
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),);
    const printed: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args) => void printed.push(args));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => Boolean(printed.push(chunk)));
    const queue = createBullQueue({ url: redis.url, prefix: 'outage', logger });
    try {
      await queue.add({ name: 'digest-fan-out', data: { runId: 1 }, jobId: 'before' });
      // Two outages of a second and a half: ioredis retries several times in each, on all four queues.
      await redis.restart(1500);
      await sleep(500);
      await redis.restart(1500);
      await queue.add({ name: 'digest-fan-out', data: { runId: 1 }, jobId: 'after' });
    } finally {
      await queue.close();
      vi.restoreAllMocks();
    }
    expect(lines.filter((line) => line.msg.startsWith('Redis unreachable'))).toHaveLength(2);
    expect(lines.filter((line) => line.msg === 'Redis reachable again')).toHaveLength(2);
    expect(printed).toEqual([]);
  });
});
