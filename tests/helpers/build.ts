import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, inject } from 'vitest';
import { runBuildDir } from './env.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/**
 * This checkout built as `npm run build` builds it (tsc with tsconfig.build.json, then the emails' MJML
 * compiled), laid out as the image is: dist/, bin/, package.json, and templates/, migrations/, seeds/ and
 * node_modules linked from the checkout; no src/, so the bin runs dist/. tsc emits without type-checking
 * (--noCheck: the same files; `npm run typecheck` checks them).
 */
async function build(root: string): Promise<void> {
  await run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noCheck', '--outDir', path.join(root, 'dist')], {
    cwd: repo,
    timeout: 240_000,
  });
  for (const folder of ['templates', 'migrations', 'seeds', 'node_modules']) await symlink(path.join(repo, folder), path.join(root, folder));
  await run(process.execPath, [path.join(root, 'dist/mail/precompile.js')], { cwd: root, timeout: 120_000 });
  await mkdir(path.join(root, 'bin'));
  await copyFile(path.join(repo, 'bin/council-digest.js'), path.join(root, 'bin/council-digest.js'));
  await copyFile(path.join(repo, 'package.json'), path.join(root, 'package.json'));
}

/**
 * The run's build, made once per run by the first file that asks (the others wait for it): a process the
 * tests start (`council-digest ...`) starts from it as production starts from the image, instead of
 * transpiling src/ through tsx and compiling the MJML in every process (about twice the CPU per start).
 */
async function runBuild(): Promise<string> {
  const root = runBuildDir(inject('runPrefix'));
  const built = path.join(root, '.built');
  const failed = path.join(root, '.failed');
  try {
    await mkdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another file of this run is building it.
    for (const deadline = Date.now() + 280_000; !existsSync(built); ) {
      if (existsSync(failed)) throw new Error(`the run's build failed in another file:\n${await readFile(failed, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`the run's build in ${root} was not done after 280 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return root;
  }
  try {
    await build(root);
  } catch (error) {
    await writeFile(failed, String((error as Error).stack ?? error));
    throw error;
  }
  await writeFile(built, '');
  return root;
}

let root: string | undefined;

/**
 * Call at the top of a test file that starts `council-digest` processes: the run's build is ready before
 * the file's tests (the first file to ask builds it, in up to 5 minutes on a busy machine).
 */
export function useRunBuild(): void {
  beforeAll(async () => {
    root ??= await runBuild();
  }, 300_000);
}

/** The run's build's folder (what `npm run build` makes, laid out as the image is). */
export function builtRoot(): string {
  if (!root) throw new Error('call useRunBuild() at the top of the test file, and builtRoot() in a test or a later hook');
  return root;
}

/** The run's build's `council-digest` (bin/council-digest.js, which runs dist/ there). */
export function builtBin(): string {
  return path.join(builtRoot(), 'bin/council-digest.js');
}
