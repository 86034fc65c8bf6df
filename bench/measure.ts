import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import type { Database } from '../src/db/client.js';
import { machineBusySeconds, profileFlags } from './processes.js';
import type { RawMessage } from './raw-sender.js';

/** What the bench counts and times, outside the project's own code. */

/**
 * Transactions committed in one database, from pg_stat_database. Outside an
 * explicit transaction every statement commits on its own, so for the send
 * path this is its query count. A backend flushes these counters when idle
 * (within about a second) and on exit, so read them after the workers exit.
 */
export async function committedTransactions(serverUrl: string, name: string): Promise<number> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('select pg_stat_clear_snapshot()');
    const { rows } = await admin.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = $1', [name]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await admin.end();
  }
}

/** Counts the bench's own statements on the bench database, so they can be taken off the workers' count. */
export function countOwnQueries(database: Database): () => number {
  let count = 0;
  const original = database.pool.query.bind(database.pool) as (...args: unknown[]) => unknown;
  (database.pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    count += 1;
    return original(...args);
  };
  return () => count;
}

/**
 * The ceiling: the run's own messages sent straight through the project's
 * pooled nodemailer transport by as many processes as the run has workers,
 * each with one worker's pool size, to distinct recipients: messages per
 * second from 'go' until the last is accepted. Each message goes as a
 * digest does, its bodies encoded beforehand and the message made from a
 * frame; `composed`: as nodemailer composes a mail whole. (The warm-up messages also
 * reach the sink; the caller resets it afterwards.)
 */
export async function rawSmtpRate(
  options: { url: string; from: string; processes: number; inFlight: number; composed: boolean },
  messages: RawMessage[],
  count: number,
): Promise<{ perSecond: number; machineMsPerMessage: number }> {
  const share = Math.ceil(count / options.processes);
  const senders = Array.from({ length: options.processes }, (_, index) => {
    const child = fork(fileURLToPath(new URL('./raw-sender.ts', import.meta.url)), [], { execArgv: [...profileFlags(), '--import', 'tsx'], stdio: 'inherit' });
    const said = (type: string) => new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`a raw sender exited with ${code}`)));
      child.on('message', (message: { type: string }) => message.type === type && resolve());
    });
    const ready = said('ready');
    const done = said('done');
    child.send({ ...options, messages, count: share, first: index * share * 2 });
    return { child, ready, done };
  });
  await Promise.all(senders.map((sender) => sender.ready));
  const started = performance.now();
  const busy = machineBusySeconds();
  for (const sender of senders) sender.child.send({ type: 'go' });
  await Promise.all(senders.map((sender) => sender.done));
  const sent = share * options.processes;
  return { perSecond: sent / ((performance.now() - started) / 1000), machineMsPerMessage: ((machineBusySeconds() - busy) * 1000) / sent };
}

/** A numeric `--name N` flag: `fallback` when absent; above 0 (or 0 and above, where `zero` allows it). */
export function numberOption(args: string[], name: string, fallback: number, { zero = false } = {}): number {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero)) throw new Error(`--${name} takes a number${zero ? '' : ' above 0'}`);
  return value;
}

export function parseArgs(argv: string[]) {
  const value = (name: string) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  return {
    subscribers: Number(value('--subscribers') ?? 20_000),
    /** Worker processes: one per core by default, as a deployment on this machine would run. */
    workers: Number(value('--workers') ?? availableParallelism()),
    json: argv.includes('--json'),
    /** Build and render only: for sizes whose send would take too long (a million). */
    dryOnly: argv.includes('--dry-only'),
    /** A second dry run after a week of late news is added ("Since last week"): build and render with and without it. */
    lateNews: argv.includes('--late-news'),
    api: !argv.includes('--no-api'),
    /** Only the API under load: the digest runs are skipped. */
    apiOnly: argv.includes('--api-only'),
    apiSeconds: Number(value('--api-seconds') ?? 10),
    /** The workers and the API run the sources through tsx, as the bin does without a build, instead of a build (dist/). */
    tsxWorkers: argv.includes('--tsx-workers'),
    /** Start-up time and worker RSS, tsx against dist/ (the dist variant runs the bench's own build). */
    startup: !argv.includes('--no-startup'),
    /** Only the start-up comparison: the digest runs and the API are skipped. */
    startupOnly: argv.includes('--startup-only'),
    startupRounds: Number(value('--startup-rounds') ?? 3),
    /** The console's dashboard under load too (50 runs are added); --console-only measures only it. */
    console: argv.includes('--console'),
    consoleOnly: argv.includes('--console-only'),
    /** Operators' browsers loading the dashboard at once. */
    consoleConnections: Number(value('--console-connections') ?? 10),
    /** The share of subscribers who follow a planning application (one each): their digests put it first and are their own. */
    followersPercent: Number(value('--followers') ?? 10),
  };
}
