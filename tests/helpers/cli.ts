import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { builtBin, useRunBuild } from './build.js';

// Every file that runs the command line runs it from the run's build.
useRunBuild();

/**
 * `council-digest` as the image runs it: the run's build (tests/helpers/build.ts, made before the file's
 * tests), so each process starts from compiled JavaScript and precompiled emails. Call it in a test or a hook.
 */
export const cliBin = (): string => builtBin();

/** Runs `council-digest ARGS` to its end with this environment: its exit code and what it printed. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cliBin(), ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}
