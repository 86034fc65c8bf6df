import type { ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { digestDeps } from '../src/digests/deps.js';
import { createDigestMetrics } from '../src/digests/metrics.js';
import { findRun } from '../src/digests/run-repo.js';
import { requestRun } from '../src/digests/runs.js';
import { createBullQueue } from '../src/jobs/bullmq.js';
import { createLogger } from '../src/logger.js';
import { loadTemplates } from '../src/mail/templates.js';
import { createSmtpMailer } from '../src/mail/transport.js';
import { benchSettings, benchWeek, createBenchDatabase, importBenchMeetings, insertSubscribers } from './data.js';
import { checkExactlyOnce, closeBench, cpuSeconds, startCommand, startSink, stopProcess, waitForWorkers } from './processes.js';
import { numberOption } from './measure.js';

/**
 * `npm run bench -- --sends [--subscribers 20000] [--retry-subscribers 3000] [--rate 25] [--tempfail-every 7] [--workers 2] [--rounds 2] [--baseline <checkout>] [--json]`
 *
 * Real runs of the bench week, side by side in one process tree, on fresh
 * workers each time (the deliveries are cleared between runs):
 * 1. **throughput against another checkout** (with `--baseline <folder>`:
 *    e.g. `git worktree add ../base <commit>` with node_modules beside it):
 *    N subscribers at no rate limit, this checkout's worker against that
 *    one's, in alternating order over R rounds; their throughput ratio;
 * 2. **retries**: M subscribers at SEND_RATE_PER_SECOND=rate, clean and with
 *    every Nth SMTP answer a 451; the time ratio (the rate is counted per
 *    message, and a retry sends only the refused recipients).
 * Every run is checked: each subscriber got exactly one digest, with its own
 * Message-ID, and as many deliveries say sent.
 */


interface TimedRun {
  seconds: number;
  perSecond: number;
  cpuMsPerDigest: number;
  refused: number;
}

export async function benchSends(args: string[]): Promise<number> {
  const subscribers = numberOption(args, 'subscribers', 20_000);
  const retrySubscribers = numberOption(args, 'retry-subscribers', 3_000);
  const rate = numberOption(args, 'rate', 25);
  const baselineAt = args.indexOf('--baseline');
  const baseline = baselineAt >= 0 ? args[baselineAt + 1] : undefined;
  const tempfailEvery = numberOption(args, 'tempfail-every', 7);
  const workerCount = numberOption(args, 'workers', 2);
  const rounds = numberOption(args, 'rounds', 2);
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = `cd_bench_${process.pid}`;
  const prefix = `cd-bench-${process.pid}`;
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const round = (value: number, places = 0) => Math.round(value * 10 ** places) / 10 ** places;

  const database = await createBenchDatabase(serverUrl, name);
  const sink = await startSink();
  // A 451 is retried after 1 s, 2 s, 4 s...: the production backoff.
  const settings = { ...benchSettings(Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString(), redisUrl, prefix), SMTP_URL: sink.url };
  const logger = createLogger({ level: 'warn', name: 'bench', stderr: true });
  const config = loadConfig(settings);
  const queue = createBullQueue({ url: redisUrl, prefix, logger });
  const mailer = createSmtpMailer({ url: sink.url, from: config.MAIL_FROM });
  const deps = digestDeps(config, {
    db: database.db,
    queue,
    mailer,
    templates: await loadTemplates(),
    tokenSecret: config.TOKEN_SECRET!,
    metrics: createDigestMetrics({ processMetrics: false }),
    logger,
  });
  const sendQueue = queue.queues!.find((candidate) => candidate.name === 'digest-sends')!;
  const workers: ChildProcess[] = [];

  /** Only the first `count` subscribers are active: the runs of a bench differ in size, not in data. */
  async function activate(count: number) {
    await database.db.execute(sql`truncate digest_runs, deliveries, delivery_meetings cascade`);
    await database.db.execute(sql`update subscribers set status = case when id <= ${count} then 'active' else 'unsubscribed' end`);
  }

  /** One real run on fresh workers with these settings; checked for exactly once. */
  async function timedRun(label: string, count: number, env: Record<string, string>, tempfail: number, from?: string): Promise<TimedRun> {
    await activate(count);
    await sink.reset();
    await sink.tempfail(tempfail);
    const started = Array.from({ length: workerCount }, () => startCommand('worker', { ...settings, ...env }, from));
    workers.push(...started);
    await waitForWorkers(sendQueue, started);
    const cpuBefore = cpuSeconds(started.map((worker) => worker.pid!));
    const triggered = performance.now();
    const { run } = await requestRun(deps, { week: benchWeek, trigger: 'cli' });
    let current = run;
    let reported = performance.now();
    while (current.status !== 'completed' && current.status !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = (await findRun(database.db, run.id))!;
      if (performance.now() - reported > 5000) {
        reported = performance.now();
        log(`  ${label}: ${round((performance.now() - triggered) / 1000)} s, ${current.sent + current.skipped + current.failed} of ${current.total} settled`);
      }
    }
    const seconds = (performance.now() - triggered) / 1000;
    const cpu = cpuSeconds(started.map((worker) => worker.pid!)) - cpuBefore;
    await Promise.all(started.map(stopProcess));
    if (current.status === 'failed') throw new Error(`${label}: run ${run.id} failed: ${current.error}`);
    const stats = await checkExactlyOnce(sink, database, benchWeek, count, current).catch((error: Error) => Promise.reject(new Error(`${label}: ${error.message}`)));
    log(`${label}: ${count} sent exactly once in ${round(seconds, 1)} s (${stats.refused} answers were 451s)`);
    return { seconds, perSecond: count / seconds, cpuMsPerDigest: (cpu * 1000) / count, refused: stats.refused };
  }

  try {
    await importBenchMeetings(database);
    await insertSubscribers(database, baseline ? Math.max(subscribers, retrySubscribers) : retrySubscribers);
    log(`${baseline ? `${subscribers} and ` : ''}${retrySubscribers} subscribers, ${workerCount} worker processes`);

    const unlimited = { SEND_RATE_PER_SECOND: '10000' };
    const variants = {
      before: { label: `before (${baseline})`, env: unlimited, from: baseline },
      after: { label: 'after (this checkout)', env: unlimited, from: undefined },
    };
    const results: Record<keyof typeof variants, TimedRun[]> = { before: [], after: [] };
    if (!baseline) log('no --baseline: the throughput comparison is skipped');
    for (let index = 0; baseline && index < rounds; index += 1) {
      // Alternate the order, so neither variant always runs on a warmer machine.
      const order = index % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      for (const variant of order) {
        const { label, env, from } = variants[variant];
        results[variant].push(await timedRun(label, subscribers, env, 0, from));
      }
    }
    const paced = { SEND_RATE_PER_SECOND: String(rate) };
    const clean = await timedRun(`clean at ${rate}/s`, retrySubscribers, paced, 0);
    const refusing = await timedRun(`1 in ${tempfailEvery} refused at ${rate}/s`, retrySubscribers, paced, tempfailEvery);

    // null where the comparison did not run (no --baseline).
    const mean = (runs: TimedRun[], pick: (run: TimedRun) => number) => (runs.length ? runs.reduce((sum, run) => sum + pick(run), 0) / runs.length : NaN);
    const figure = (value: number, places = 0) => (Number.isNaN(value) ? null : round(value, places));
    const { before, after } = results;
    const figures = {
      subscribers,
      baseline: baseline ?? null,
      before_per_s: figure(mean(before, (run) => run.perSecond)),
      after_per_s: figure(mean(after, (run) => run.perSecond)),
      after_vs_before: figure(mean(after, (run) => run.perSecond) / mean(before, (run) => run.perSecond), 3),
      before_cpu_ms_per_digest: figure(mean(before, (run) => run.cpuMsPerDigest), 3),
      after_cpu_ms_per_digest: figure(mean(after, (run) => run.cpuMsPerDigest), 3),
      retry_subscribers: retrySubscribers,
      rate_per_s: rate,
      clean_s: round(clean.seconds, 1),
      tempfail_every: tempfailEvery,
      tempfail_s: round(refusing.seconds, 1),
      tempfail_refused: refusing.refused,
      tempfail_vs_clean: round(refusing.seconds / clean.seconds, 3),
    };
    const width = Math.max(...Object.keys(figures).map((key) => key.length));
    for (const [key, value] of Object.entries(figures)) process.stdout.write(`${key.padEnd(width)}  ${value ?? '(not run)'}\n`);
    if (baseline) process.stdout.write(`${'rounds'.padEnd(width)}  before: ${before.map((run) => round(run.perSecond)).join(', ')}/s; after: ${after.map((run) => round(run.perSecond)).join(', ')}/s\n`);
    if (args.includes('--json')) console.log(JSON.stringify(figures));
    return 0;
  } finally {
    await closeBench({ processes: workers, queue, mailer, sink, database, serverUrl, name, redisUrl, prefix });
  }
}
