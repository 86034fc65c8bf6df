import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that start processes (the command line, the bench, the build) or a browser: they take longest, so
 * they start first. Vitest orders files by their last durations when it has them, and otherwise by size, which
 * on a clean checkout (CI) starts these small files last and leaves one worker running them alone at the end.
 */
const root = fileURLToPath(new URL('.', import.meta.url));
const longest = ['tests/bench/', 'tests/cli/', 'tests/build.test.ts', 'tests/browser/', 'tests/harvest/sources-check.test.ts', 'tests/meetings/importers/detect.test.ts'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const relative = path.relative(root, file.moduleId).split(path.sep).join('/');
      const index = longest.findIndex((prefix) => relative.startsWith(prefix));
      return index < 0 ? longest.length : index;
    };
    const sorted = await super.sort(files);
    return sorted.map((file, order) => ({ file, order, rank: rank(file) })).sort((a, b) => a.rank - b.rank || a.order - b.order).map(({ file }) => file);
  }
}

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
    sequence: { sequencer: LongestFirst },
  },
});
