import { defineConfig } from 'vitest/config';

/**
 * Fault tests (`npm run test:faults`): real worker and API processes, their
 * own Redis and Postgres, killed and restarted mid-run. Two files at a time:
 * much of a fault test is waiting (a lock to expire, a backoff), and more
 * would leave the processes competing for the CPU.
 */
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.fault.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
