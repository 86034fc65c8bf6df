import { randomBytes } from 'node:crypto';
import { deleteQueueKeys } from '../../src/jobs/bullmq.js';
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
  afterAll(() => deleteQueueKeys(testRedisUrl, prefix));
  return prefix;
}
