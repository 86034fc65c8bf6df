#!/usr/bin/env node
// Runs the compiled dist/ when it is there (`npm run build`, as the production
// image does), so production never transpiles TypeScript at start-up. In a
// checkout without a build, or whose src/ changed since the last build, it runs
// the TypeScript sources through tsx instead, so a stale dist/ is never used.
import { existsSync, readdirSync, statSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const compiled = new URL('../dist/cli/index.js', import.meta.url);
const sources = new URL('../src/', import.meta.url);

/** The newest modification time of any file under `dir` (the whole src/ tree: a few milliseconds). */
function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return newest;
}

const built = existsSync(compiled) && (!existsSync(sources) || newestChange(sources) <= statSync(compiled).mtimeMs);
if (built) {
  await import(compiled.href);
} else {
  // tsx is a development dependency: an install without them (npm ci --omit=dev) must run a build.
  const tsx = await import('tsx/esm/api').catch(() => undefined);
  if (!tsx) {
    process.stderr.write('council-digest: no up-to-date dist/ and no tsx to run the sources: run `npm run build` (or `npm ci` with dev dependencies).\n');
    process.exit(1);
  }
  tsx.register();
  await import('../src/cli/index.ts');
}
