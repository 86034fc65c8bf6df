import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { SinkStats } from './smtp-sink.js';
import type { Database } from '../src/db/client.js';
import { deleteQueueKeys } from '../src/jobs/bullmq.js';
import type { JobQueue } from '../src/jobs/types.js';
import type { Mailer } from '../src/mail/transport.js';
import { dropBenchDatabase } from './data.js';

/** The processes a bench run starts: the SMTP sink, the project's own workers and API, autocannon. */

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Sink {
  url: string;
  stats(): Promise<SinkStats>;
  reset(): Promise<SinkStats>;
  /** From now on every Nth message is answered with a 451 (0: none). */
  tempfail(every: number): Promise<SinkStats>;
  close(): void;
}

export async function startSink(): Promise<Sink> {
  const child = fork(fileURLToPath(new URL('./smtp-sink.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ask = (type: 'stats' | 'reset' | 'tempfail', every?: number) =>
    new Promise<SinkStats>((resolve) => {
      const answer = (message: { type: string; stats: SinkStats }) => {
        if (message.type !== type) return;
        child.off('message', answer);
        resolve(message.stats);
      };
      child.on('message', answer);
      child.send({ type, every });
    });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: { type: string; port?: number }) => message.type === 'listening' && resolve(message.port!));
  });
  return { url: `smtp://127.0.0.1:${port}`, stats: () => ask('stats'), reset: () => ask('reset'), tempfail: (every) => ask('tempfail', every), close: () => child.disconnect() };
}

/**
 * BENCH_PROFILE=<folder>: a process started with these flags writes a V8 CPU
 * profile there on exit (open it in Chrome's DevTools). BENCH_HEAP_SNAPSHOT=<folder>:
 * it writes a heap snapshot there when sent SIGUSR2 (the bench sends it to the
 * workers half way through each run). BENCH_NODE_FLAGS="--flag …": node flags
 * the bench's processes start with (V8's among them), to try a setting.
 */
export function profileFlags(): string[] {
  const { BENCH_PROFILE: cpu, BENCH_HEAP_SNAPSHOT: heap, BENCH_NODE_FLAGS: flags } = process.env;
  return [...(flags ? flags.split(/\s+/).filter(Boolean) : []), ...(cpu ? ['--cpu-prof', `--cpu-prof-dir=${cpu}`] : []), ...(heap ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heap}`] : [])];
}

/**
 * The NODE_OPTIONS docker-compose.yml starts a worker with (V8's heap
 * settings among them, which a process cannot change once started): the
 * bench's workers run as deployed. This checkout's file, whichever code a
 * bench runs, so that two checkouts compare under the same settings.
 */
export function deployedWorkerNodeOptions(): string {
  const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services?: { worker?: { environment?: Record<string, unknown> } } };
  return String(compose.services?.worker?.environment?.NODE_OPTIONS ?? '');
}

/**
 * One `council-digest <command>` process with these settings on top of ours,
 * from this checkout or another folder laid out like it; a worker with the
 * deployed NODE_OPTIONS unless `env` names its own (BENCH_NODE_FLAGS, on its
 * command line, override them).
 */
export function startCommand(command: string, env: Record<string, string>, from = root): ChildProcess {
  const cli = path.join(from, 'bin/council-digest.js');
  const deployed = command === 'worker' ? { NODE_OPTIONS: deployedWorkerNodeOptions() } : {};
  return spawn(process.execPath, [...profileFlags(), cli, command], { cwd: from, env: { ...process.env, ...deployed, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A process's resident memory now (VmRSS) and its high-water mark (VmHWM, the kernel's own), in MB. */
export function residentMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** Peak resident memory of processes, in MB, read before they exit. */
export function peakRssMb(pids: number[]): number {
  return Math.max(0, ...pids.map((pid) => residentMb(pid).peak));
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user and system) processes have used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    // Fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / clockTicks;
}

/**
 * The whole machine's busy CPU so far (every core, every process: the
 * workers, the senders, the sink, Postgres and Redis), from /proc/stat:
 * user, nice, system, irq, softirq and steal, in seconds. What a phase costs
 * the machine is the difference across it.
 */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / clockTicks;
}

export async function waitForHttp(url: string, timeoutMs = 30_000, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** What bench/load.ts is asked to do (it gets these as JSON in its argument). */
export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  seconds: number;
  connections: number;
}

/** Load from bench/load.ts, a process of its own; `[<id>]` in the body becomes a new value per request. */
export async function loadTest(options: LoadOptions): Promise<LoadResult> {
  const args = ['--import', 'tsx', fileURLToPath(new URL('./load.ts', import.meta.url)), JSON.stringify(options)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const result = JSON.parse(output) as { requests: { average: number }; latency: { p99: number }; non2xx: number; errors: number };
  return { requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

/** Resolves once `count` worker processes have registered on the digest-sends queue; throws if one exits first or a minute passes. */
export async function waitForWorkers(sendQueue: { getWorkersCount(): Promise<number> }, workers: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await sendQueue.getWorkersCount()) < workers.length) {
    if (workers.some((worker) => worker.exitCode !== null)) throw new Error('a worker process exited at start-up (its error is above)');
    if (Date.now() > deadline) throw new Error(`${workers.length} worker processes did not start within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Every subscriber got exactly one digest: the sink saw one message each,
 * with distinct Message-IDs, and as many deliveries say sent. Throws naming
 * what did not hold; answers the sink's figures.
 */
export async function checkExactlyOnce(
  sink: Sink,
  database: Database,
  week: string,
  expected: number,
  run: { sent: number },
): Promise<SinkStats> {
  const stats = await sink.stats();
  const { rows } = await database.pool.query<{ n: string }>(`select count(*) as n from deliveries where week = $1 and status = 'sent'`, [week]);
  const problems = [
    stats.repeated > 0 && `${stats.repeated} subscribers got more than one digest`,
    stats.recipients !== expected && `${stats.recipients} of ${expected} subscribers got a digest`,
    stats.messages !== stats.messageIds && `${stats.messages} messages but ${stats.messageIds} Message-IDs`,
    Number(rows[0]!.n) !== stats.messages && `${rows[0]!.n} deliveries marked sent, ${stats.messages} received`,
    run.sent !== expected && `the run counted ${run.sent} sent`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`exactly-once check failed: ${problems.join('; ')}`);
  return stats;
}

/** A bench's teardown: its processes stopped, its connections closed, its database and Redis keys removed. */
export async function closeBench(bench: {
  processes: ChildProcess[];
  queue: JobQueue;
  mailer: Mailer;
  sink: Sink;
  database: Database;
  serverUrl: string;
  name: string;
  redisUrl: string;
  prefix: string;
}): Promise<void> {
  await Promise.all(bench.processes.map(stopProcess));
  await bench.queue.close();
  await bench.mailer.close();
  bench.sink.close();
  await bench.database.close();
  await dropBenchDatabase(bench.serverUrl, bench.name);
  await deleteQueueKeys(bench.redisUrl, bench.prefix);
}
