import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where the suite finds its real services; CI and a developer's machine both default to loopback. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Databases of one test run are named cd_test_<pid>_..., so runs side by side
 * (two terminals, an editor's watcher) never drop each other's databases.
 */
export const runPrefix = (pid: number) => `cd_test_${pid}_`;

/** Where a run's build goes (tests/helpers/build.ts): named by the run, so its teardown removes it. */
export const runBuildDir = (prefix: string) => path.join(tmpdir(), `${prefix}build`);

export function databaseUrl(name: string): string {
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    runPrefix: string;
    /** The run's compilation of templates/ (tests/helpers/templates.ts). */
    precompiledTemplates: string;
  }
}
