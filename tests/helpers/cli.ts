import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const cliBin = new URL('../../bin/council-digest.js', import.meta.url).pathname;

/** Runs `council-digest ARGS` to its end with this environment: its exit code and what it printed. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cliBin, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}
