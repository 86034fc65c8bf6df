import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Fault tests start and kill real processes: `npm run test:faults` (vitest.faults.config.ts).
    exclude: ['tests/faults/**', 'node_modules/**'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Tests never leave this machine: a fetch to anything but loopback fails at once.
    setupFiles: ['tests/helpers/loopback-only.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on CI's 2 cores, one file at a time. Each file has its own
    // database and queue prefix, and most of a file's time is spent waiting on Postgres, SMTP or a child process.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
