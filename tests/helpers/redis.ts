import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { testRedisUrl } from './env.js';

export { testRedisUrl };

/**
 * A BullMQ key prefix of this test file's own, so files running side by
 * side never share a queue; its keys are deleted when the file ends. Call it
 * at the top of the file: its cleanup then runs after every queue using it
 * has closed.
 */
export function redisPrefix(): string {
  const prefix = `cd-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });
  return prefix;
}
