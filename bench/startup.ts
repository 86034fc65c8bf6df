import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, residentMb, startCommand, stopProcess, waitForHttp } from './processes.js';

/**
 * Start-up time and worker memory of the TypeScript sources run through tsx
 * against the compiled dist/ (`npm run build`), measured side by side in one
 * run: each round starts every variant once, in turn, on the same machine
 * state, and the figures are the medians over the rounds.
 *
 * Each variant runs from a folder of its own laid out as a deployment would
 * be, through the same bin/council-digest.js: `tsx` has src/ and no dist/
 * (tsx keeps its transpile cache between starts, as on a developer's machine),
 * `tsx_cold` is the same with the cache off (a fresh container's first
 * start), and `dist` has dist/ and no src/ (the production image).
 */

const repo = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

export interface VariantFigures {
  /** Spawn to the worker's BullMQ workers registered in Redis. */
  worker_start_ms: number;
  /** Spawn to `serve` answering /healthz. */
  serve_start_ms: number;
  /** The ready worker's resident memory, a second after start-up. */
  worker_rss_mb: number;
  /** The worker's high-water mark of resident memory by then: start-up's own peak (transpiling included). */
  worker_peak_rss_mb: number;
}

type Variant = 'tsx' | 'tsx_cold' | 'dist';
export type StartupFigures = Record<Variant, VariantFigures> & {
  rounds: number;
  /** dist's figure over tsx's (and over tsx_cold's): below 1 is dist faster or smaller. */
  ratios: Record<'dist_vs_tsx' | 'dist_vs_tsx_cold', Record<keyof VariantFigures, number>>;
};

export interface StartupOptions {
  rounds: number;
  /** The settings every process gets (the bench's database, Redis prefix and sink). */
  env: Record<string, string>;
  /** How many BullMQ workers Redis sees on the send queue. */
  registeredWorkers(): Promise<number>;
  log(line: string): void;
  /** A deployment already built (buildDeployment), to start the dist variant from. */
  dist?: string;
}

/**
 * A deployment of this checkout's build in `scratch`, laid out as the image
 * is (dist/ and no src/): what the bench's workers and API run.
 */
export async function buildDeployment(scratch: string, log: (line: string) => void): Promise<string> {
  const root = await deployment(scratch, 'dist');
  const started = performance.now();
  await run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', path.join(root, 'dist')], { cwd: repo });
  // The rest of `npm run build`: the emails' MJML compiled once, so the workers never load MJML.
  await run(process.execPath, [path.join(root, 'dist/mail/precompile.js')], { cwd: root });
  log(`npm run build took ${Math.round((performance.now() - started) / 100) / 10} s`);
  return root;
}

export async function compareStartup(options: StartupOptions): Promise<StartupFigures> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'cd-bench-startup-'));
  try {
    const roots = { tsx: await deployment(scratch, 'tsx'), dist: options.dist ?? (await buildDeployment(scratch, (line) => options.log(`startup: ${line}`))) };
    const variants: Record<Variant, { root: string; env: Record<string, string> }> = {
      tsx: { root: roots.tsx, env: {} },
      tsx_cold: { root: roots.tsx, env: { TSX_DISABLE_CACHE: '1' } },
      dist: { root: roots.dist, env: {} },
    };
    // One unmeasured start of the cached variant fills tsx's cache, as a developer's earlier runs would have.
    await measureWorker(variants.tsx, options);
    const samples: Record<Variant, VariantFigures[]> = { tsx: [], tsx_cold: [], dist: [] };
    const order = Object.keys(variants) as Variant[];
    for (let round = 0; round < options.rounds; round += 1) {
      // Rotate the order so that no variant always goes first (or last) on a machine that warms up.
      for (const name of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
        const worker = await measureWorker(variants[name], options);
        const serveMs = await measureServe(variants[name], options);
        samples[name].push({ ...worker, serve_start_ms: serveMs });
      }
    }
    const figures = Object.fromEntries(order.map((name) => [name, medians(samples[name])])) as Record<Variant, VariantFigures>;
    return {
      ...figures,
      rounds: options.rounds,
      ratios: { dist_vs_tsx: ratio(figures.dist, figures.tsx), dist_vs_tsx_cold: ratio(figures.dist, figures.tsx_cold) },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A folder laid out as a deployment: the bin, templates, migrations, seeds and node_modules, with src/ (tsx) or, once built, dist/. */
async function deployment(scratch: string, name: 'tsx' | 'dist'): Promise<string> {
  const root = path.join(scratch, name);
  await mkdir(path.join(root, 'bin'), { recursive: true });
  await copyFile(path.join(repo, 'bin/council-digest.js'), path.join(root, 'bin/council-digest.js'));
  await copyFile(path.join(repo, 'package.json'), path.join(root, 'package.json'));
  const linked = ['templates', 'migrations', 'seeds', 'node_modules', ...(name === 'tsx' ? ['src'] : [])];
  for (const folder of linked) await symlink(path.join(repo, folder), path.join(root, folder));
  return root;
}

async function measureWorker(variant: { root: string; env: Record<string, string> }, options: StartupOptions) {
  const before = await options.registeredWorkers();
  const started = performance.now();
  const worker = startCommand('worker', { ...options.env, ...variant.env }, variant.root);
  try {
    while ((await options.registeredWorkers()) <= before) {
      if (worker.exitCode !== null) throw new Error('a worker exited at start-up (its error is above)');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const startMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { rss, peak } = residentMb(worker.pid!);
    return { worker_start_ms: Math.round(startMs), worker_rss_mb: rss, worker_peak_rss_mb: peak };
  } finally {
    await stopProcess(worker);
    while ((await options.registeredWorkers()) > before) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function measureServe(variant: { root: string; env: Record<string, string> }, options: StartupOptions): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const api = startCommand('serve', { ...options.env, ...variant.env, PORT: String(port) }, variant.root);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, 10);
    return Math.round(performance.now() - started);
  } finally {
    await stopProcess(api);
  }
}

function medians(samples: VariantFigures[]): VariantFigures {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const keys = Object.keys(samples[0]!) as (keyof VariantFigures)[];
  return Object.fromEntries(keys.map((key) => [key, median(samples.map((sample) => sample[key]))])) as unknown as VariantFigures;
}

function ratio(dist: VariantFigures, tsx: VariantFigures): Record<keyof VariantFigures, number> {
  const keys = Object.keys(dist) as (keyof VariantFigures)[];
  return Object.fromEntries(keys.map((key) => [key, Math.round((dist[key] / tsx[key]) * 100) / 100])) as Record<keyof VariantFigures, number>;
}
