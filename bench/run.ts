import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { digestDeps, type DigestDeps } from '../src/digests/deps.js';
import { digestEmail, digestHeaders, renderDigest } from '../src/digests/email.js';
import { createDigestMetrics } from '../src/digests/metrics.js';
import { findRun, recipientsByIds, type DigestRun } from '../src/digests/run-repo.js';
import { requestRun } from '../src/digests/runs.js';
import { createBullQueue, deleteQueueKeys } from '../src/jobs/bullmq.js';
import { createLogger } from '../src/logger.js';
import { loadTemplates } from '../src/mail/templates.js';
import { createSmtpMailer } from '../src/mail/transport.js';
import { dashboardLoad, seedRuns } from './console.js';
import { benchSettings, benchWeek, createBenchDatabase, dropLeftoverDatabases, importBenchMeetings, importLateNews, insertSubscribers } from './data.js';
import { committedTransactions, countOwnQueries, parseArgs, rawSmtpRate } from './measure.js';
import { checkExactlyOnce, closeBench, cpuSeconds, deployedWorkerNodeOptions, freePort, loadTest, machineBusySeconds, peakRssMb, startCommand, startSink, stopProcess, waitForHttp, waitForWorkers, type LoadResult } from './processes.js';
import { buildDeployment, compareStartup, type StartupFigures } from './startup.js';

/**
 * `npm run bench [-- --subscribers N --workers W --json --dry-only --no-api --no-startup --startup-only --startup-rounds R --console --console-only --console-connections C --tsx-workers]`
 * (`npm run bench -- --harvest` times a harvest instead: bench/harvest.ts; `--dry-path` a dry run's per-digest
 * work against another checkout's: bench/dry-path.ts;
 * `--run-estimate` the console's run confirmation: bench/run-estimate.ts;
 * `--importers` the importers' time on hostile input: bench/importers.ts;
 * `--calendar` the calendar feeds: bench/calendar.ts, also `npm run bench:calendar`;
 * `--alerts` the alert pass after a harvest: bench/alerts.ts)
 * One weekly run measured end to end on the test Postgres and Redis, in a
 * database and a Redis prefix of its own, both removed at the end.
 */

// The harvest has a bench of its own: a ModernGov site served locally, harvested twice.
if (process.argv.includes('--harvest')) {
  const { benchHarvest } = await import('./harvest.js');
  process.exit(await benchHarvest(process.argv.slice(2)));
}

// Real runs with the send settings under test (writing each send down; 451s at a set rate): bench/sends.ts.
if (process.argv.includes('--sends')) {
  const { benchSends } = await import('./sends.js');
  process.exit(await benchSends(process.argv.slice(2)));
}

// The alert pass after a harvest: bench/alerts.ts.
if (process.argv.includes('--alerts')) {
  const { benchAlerts } = await import('./alerts.js');
  process.exit(await benchAlerts(process.argv.slice(2)));
}

// How the importers' time grows with hostile input: bench/importers.ts.
if (process.argv.includes('--importers')) {
  const { benchImporters } = await import('./importers.js');
  process.exit(benchImporters(process.argv.slice(2)));
}

// The calendar feeds (issue 23): a subscriber's with 20 filters beside a council's public one, bench/calendar.ts.
if (process.argv.includes('--calendar')) {
  const { benchCalendar } = await import('./calendar.js');
  process.exit(await benchCalendar(process.argv.slice(2)));
}

// A dry run's per-digest work in one process, this checkout's code against another's: bench/dry-path.ts.
if (process.argv.includes('--dry-path')) {
  const { benchDryPath } = await import('./dry-path.js');
  process.exit(await benchDryPath(process.argv.slice(2)));
}

// The console's run confirmation has one too: bench/run-estimate.ts.
if (process.argv.includes('--run-estimate')) {
  const { benchRunEstimate } = await import('./run-estimate.js');
  process.exit(await benchRunEstimate(process.argv.slice(2)));
}

const args = parseArgs(process.argv.slice(2));
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const name = `cd_bench_${process.pid}`;
const prefix = `cd-bench-${process.pid}`;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;
const round = (value: number, places = 0) => Math.round(value * 10 ** places) / 10 ** places;

const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
const settings = {
  ...benchSettings(databaseUrl, redisUrl, prefix),
  // The SMTP server is the limit under test, not the configured politeness rate.
  SEND_RATE_PER_SECOND: process.env.SEND_RATE_PER_SECOND ?? '10000',
};

const started = performance.now();
for (const pid of await dropLeftoverDatabases(serverUrl)) await deleteQueueKeys(redisUrl, `cd-bench-${pid}`);
// The workers and the API run a build of this checkout, laid out as the image is, so the bench measures what
// production runs; --tsx-workers runs the sources through tsx instead (what the bin does without a build).
const scratch = await mkdtemp(path.join(tmpdir(), 'cd-bench-build-'));
const deployed = args.tsxWorkers ? undefined : await buildDeployment(scratch, log);
const database = await createBenchDatabase(serverUrl, name);
const sink = await startSink();
const children: ChildProcess[] = [];
const logger = createLogger({ level: 'warn', name: 'bench', stderr: true });
const config = loadConfig({ ...settings, SMTP_URL: sink.url });
const queue = createBullQueue({ url: redisUrl, prefix, logger });
const mailer = createSmtpMailer({ url: sink.url, from: config.MAIL_FROM, maxConnections: config.WORKER_CONCURRENCY });
const templates = await loadTemplates();
const deps: DigestDeps = digestDeps(config, {
  db: database.db,
  queue,
  mailer,
  templates,
  tokenSecret: config.TOKEN_SECRET!,
  metrics: createDigestMetrics({ processMetrics: false }),
  logger,
});
const ownQueries = countOwnQueries(database);

try {
  const meetings = await importBenchMeetings(database);
  const { distinctFilterSets, followers } = await insertSubscribers(database, args.subscribers, { followersPercent: args.followersPercent });
  log(`${args.subscribers} subscribers (${distinctFilterSets} filter sets, ${followers} following an application), ${meetings} meetings, ready in ${round(seconds(started), 1)} s`);

  const samples = await sampleDigests();
  let raw = { perSecond: 0, machineMsPerMessage: 0 };
  let rawComposed = raw;
  let full: Phase | undefined;
  if (!args.dryOnly && !args.apiOnly && !args.startupOnly && !args.consoleOnly) {
    const ceiling = async (composed: boolean) => {
      const measured = await rawSmtpRate(
        { url: sink.url, from: config.MAIL_FROM, processes: args.workers, inFlight: config.WORKER_CONCURRENCY, composed },
        samples,
        Math.min(args.subscribers, 5_000),
      );
      const sent = await sink.stats();
      await sink.reset();
      log(`raw SMTP${composed ? ', composed whole' : ''}: ${round(measured.perSecond)} messages/s from ${args.workers} process(es), ${Math.round(sent.bytes / sent.messages)} bytes each on average`);
      return measured;
    };
    raw = await ceiling(false);
    rawComposed = await ceiling(true);
    full = await runPhase(false);
    const stats = await checkExactlyOnce(sink, database, benchWeek, args.subscribers, full.run);
    log(`exactly once: ${stats.recipients} recipients, ${stats.messages} messages, avg ${Math.round(stats.bytes / stats.messages)} bytes`);
  }
  const dry = args.apiOnly || args.startupOnly || args.consoleOnly ? undefined : await runPhase(true);
  let late: Phase | undefined;
  if (dry && args.lateNews) {
    log(`${await importLateNews(database)} meetings of the week before published late: a dry run with "Since last week"`);
    late = await runPhase(true);
  }
  const api = (args.api && !args.startupOnly && !args.consoleOnly) || args.apiOnly ? await apiLoad() : undefined;
  const startup = args.startup && !args.apiOnly && !args.consoleOnly ? await startupComparison() : undefined;
  const dashboard = args.console || args.consoleOnly ? await consoleLoad() : undefined;

  const figures = {
    subscribers: args.subscribers,
    digests_per_s: full ? round(full.perSecond) : null,
    raw_smtp_per_s: full ? round(raw.perSecond) : null,
    smtp_ratio: full ? round(full.perSecond / raw.perSecond, 2) : null,
    raw_composed_per_s: full ? round(rawComposed.perSecond) : null,
    smtp_ratio_composed: full ? round(full.perSecond / rawComposed.perSecond, 2) : null,
    build_render_per_s: dry ? round(dry.perSecond) : null,
    build_render_late_news_per_s: late ? round(late.perSecond) : null,
    late_news_change: late && dry ? round(late.perSecond / dry.perSecond - 1, 3) : null,
    // CPU time per digest says more than the rate on a machine others share.
    late_news_cpu_ms_per_digest: late ? round(late.cpuMsPerDigest, 3) : null,
    peak_rss_mb: dry ? Math.max(full?.peakRssMb ?? 0, dry.peakRssMb) : null,
    queries_per_digest: dry ? round((full ?? dry).queries / args.subscribers, 2) : null,
    fanout_s: dry ? round((full ?? dry).fanoutSeconds, 2) : null,
    cpu_ms_per_digest: full ? round(full.cpuMsPerDigest, 2) : null,
    dry_cpu_ms_per_digest: dry ? round(dry.cpuMsPerDigest, 3) : null,
    // The whole machine's CPU (every process, Postgres and Redis too) a message or digest: where the ratio's time goes.
    raw_machine_ms_per_message: full ? round(raw.machineMsPerMessage, 3) : null,
    machine_ms_per_digest: full ? round(full.machineMsPerDigest, 3) : null,
    dry_machine_ms_per_digest: dry ? round(dry.machineMsPerDigest, 3) : null,
    // The ratio a run whose sending cost the machine just what a raw message does, on top of building a digest, would
    // reach where the machine is the limit: what the build alone leaves of 1.
    smtp_ratio_bound: full && dry ? round(raw.machineMsPerMessage / (raw.machineMsPerMessage + dry.machineMsPerDigest), 2) : null,
  };
  printTable(figures, full, dry, api, startup, dashboard, late);
  if (args.json) console.log(JSON.stringify({ ...figures, ...(api ? { api } : {}), ...(startup ? { startup } : {}), ...(dashboard ? { dashboard } : {}) }));
} finally {
  await closeBench({ processes: children, queue, mailer, sink, database, serverUrl, name, redisUrl, prefix });
  await rm(scratch, { recursive: true, force: true });
}

interface Phase {
  run: DigestRun;
  seconds: number;
  perSecond: number;
  fanoutSeconds: number;
  peakRssMb: number;
  queries: number;
  /** The workers' CPU time (user and system) from trigger to completion, per digest: the cost that should not grow with N. */
  cpuMsPerDigest: number;
  /** The whole machine's busy CPU over the same span, per digest. */
  machineMsPerDigest: number;
}

/** One real or dry run of the bench week, on freshly started worker processes. */
async function runPhase(dryRun: boolean): Promise<Phase> {
  const workers = Array.from({ length: args.workers }, () => startCommand('worker', { ...settings, SMTP_URL: sink.url }, deployed));
  children.push(...workers);
  await waitForWorkers(queue.queues!.find((candidate) => candidate.name === 'digest-sends')!, workers);
  // Let the workers' start-up statements reach pg_stat_database before the baseline.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const before = await committedTransactions(serverUrl, name);
  const ownBefore = ownQueries();
  const cpuBefore = cpuSeconds(workers.map((worker) => worker.pid!));
  const busyBefore = machineBusySeconds();
  const triggered = performance.now();
  const { run } = await requestRun(deps, { week: benchWeek, dryRun, trigger: 'cli' });
  let current = run;
  let reported = performance.now();
  let snapshot = Boolean(process.env.BENCH_HEAP_SNAPSHOT);
  const trace = Boolean(process.env.BENCH_TRACE);
  const traced = { settled: 0, cpu: cpuBefore };
  while (current.status !== 'completed' && current.status !== 'failed') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = (await findRun(database.db, run.id))!;
    // Half way, the workers' heaps hold what a run keeps and the garbage it makes (the snapshot pauses them: ignore this run's rate).
    if (snapshot && current.total > 0 && (current.sent + current.skipped + current.failed) * 2 >= current.total) {
      snapshot = false;
      for (const worker of workers) worker.kill('SIGUSR2');
      log(`  heap snapshots of ${workers.length} worker(s) asked for in ${process.env.BENCH_HEAP_SNAPSHOT}`);
    }
    // Progress on stderr every few seconds (BENCH_TRACE: every half second, with the workers' CPU a digest since the last line).
    if (performance.now() - reported > (trace ? 500 : 5000)) {
      reported = performance.now();
      const settled = current.sent + current.skipped + current.failed;
      const cpu = trace ? cpuSeconds(workers.map((worker) => worker.pid!)) : 0;
      const pace = trace && settled > traced.settled ? `, ${round(((cpu - traced.cpu) * 1000) / (settled - traced.settled), 3)} ms CPU a digest` : '';
      if (trace) Object.assign(traced, { settled, cpu });
      log(`  ${round(seconds(triggered), trace ? 1 : 0)} s: ${current.status}, ${settled} of ${current.total} settled${pace}`);
    }
  }
  const elapsed = seconds(triggered);
  const busy = machineBusySeconds() - busyBefore;
  const peak = peakRssMb(workers.map((worker) => worker.pid!));
  const cpu = cpuSeconds(workers.map((worker) => worker.pid!)) - cpuBefore;
  const own = ownQueries() - ownBefore;
  await Promise.all(workers.map(stopProcess));
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const queries = (await committedTransactions(serverUrl, name)) - before - own;
  if (current.status === 'failed') throw new Error(`run ${run.id} failed: ${current.error}`);
  const fanoutSeconds = (current.fannedOutAt!.getTime() - current.startedAt!.getTime()) / 1000;
  log(`${dryRun ? 'dry' : 'full'} run: ${current.sent} sent, ${current.skipped} skipped, ${current.failed} failed in ${round(elapsed, 1)} s`);
  return { run: current, seconds: elapsed, perSecond: current.sent / elapsed, fanoutSeconds, peakRssMb: peak, queries, cpuMsPerDigest: (cpu * 1000) / current.sent, machineMsPerDigest: (busy * 1000) / current.sent };
}

/**
 * Three hundred subscribers' digests, spread over the list, rendered as the
 * workers render them: the raw test cycles through these, so it sends the
 * run's own mix of message sizes.
 */
async function sampleDigests() {
  const sampleCount = 300;
  // Spread over the list and evenly over its pattern (every fifth subscriber has keywords, the rest cycle
  // through 30 sets): a multiplier prime to 30 scatters the ids over every residue mod 30 about equally
  // (the old even steps over-sampled some sets, and raw messages came out 10% smaller than the run's).
  const { rows } = await database.pool.query<{ id: string }>(`select id from subscribers where id = any($1::bigint[]) order by id`, [
    Array.from({ length: sampleCount }, (_, index) => 1 + ((index * 2_654_435_761) % args.subscribers)),
  ]);
  const builds = await deps.builds.forRun({ id: 0, week: benchWeek, dryRun: true });
  const recipients = (await recipientsByIds(database.db, rows.map((row) => Number(row.id)))).map((row) => ({ ...row, email: row.email! }));
  await builds.learn(recipients.map((recipient) => recipient.filters));
  const samples = [];
  for (const recipient of recipients) {
    const content = builds.content(recipient.filters);
    if (!content) continue;
    const email = digestEmail(deps.mail, content, recipient);
    samples.push({ ...renderDigest(templates, email), headers: digestHeaders(deps.mail, email) });
  }
  if (samples.length === 0) throw new Error('the bench week selected nothing for the sampled subscribers');
  return samples;
}

/** Start-up time and worker memory, tsx against dist/, side by side on this run's database, Redis and sink. */
async function startupComparison(): Promise<StartupFigures> {
  const sendQueue = queue.queues!.find((candidate) => candidate.name === 'digest-sends')!;
  return compareStartup({
    rounds: args.startupRounds,
    dist: deployed,
    env: { ...settings, SMTP_URL: sink.url },
    registeredWorkers: () => sendQueue.getWorkersCount(),
    log,
  });
}

/** `council-digest serve`, sign-up limits raised and mail going to the sink, once it answers. */
async function startApi(): Promise<{ api: ChildProcess; base: string }> {
  const port = await freePort();
  const api = startCommand(
    'serve',
    {
      ...settings,
      SMTP_URL: sink.url,
      PORT: String(port),
      SIGNUP_RATE_LIMIT_PER_IP: '100000000',
      SIGNUP_RATE_LIMIT_PER_ADDRESS: '100000000',
    },
    deployed,
  );
  children.push(api);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`);
  return { api, base };
}

/** The console's dashboard with 50 runs beside the subscribers, for a signed-in operator. */
async function consoleLoad(): Promise<LoadResult> {
  await seedRuns(database, benchWeek);
  const { api, base } = await startApi();
  const result = await dashboardLoad(base, database, { seconds: args.apiSeconds, connections: args.consoleConnections });
  await stopProcess(api);
  return result;
}

/** `council-digest serve` under autocannon. */
async function apiLoad(): Promise<ApiFigures> {
  const { api, base } = await startApi();
  const body = JSON.stringify({ email: 'api-[<id>]@bench.example', topics: ['housing'] });
  const signup = await loadTest({ url: `${base}/api/subscriptions`, method: 'POST', body, seconds: args.apiSeconds, connections: 20 });
  const week = { url: `${base}/api/meetings?from=${benchWeek}&to=2025-06-22`, method: 'GET', seconds: args.apiSeconds, connections: 20 } as const;
  const meetings = await loadTest(week);
  // As browsers and fetch() ask for it: the cached gzip copy.
  const meetingsGzip = await loadTest({ ...week, headers: { 'accept-encoding': 'gzip, deflate, br' } });
  await stopProcess(api);
  return { signup, meetings, meetings_gzip: meetingsGzip };
}

interface ApiFigures {
  signup: LoadResult;
  meetings: LoadResult;
  meetings_gzip: LoadResult;
}

function printTable(
  figures: Record<string, number | null>,
  full: Phase | undefined,
  dry: Phase | undefined,
  api?: ApiFigures,
  startup?: StartupFigures,
  dashboard?: LoadResult,
  late?: Phase,
) {
  const rows: [string, string][] = Object.entries(figures).map(([key, value]) => [key, value === null ? '(not run)' : String(value)]);
  rows.push(['settings', `${args.workers} worker(s) running ${deployed ? 'dist/' : 'src/ through tsx'}, WORKER_CONCURRENCY=${config.WORKER_CONCURRENCY}, DIGEST_BATCH_SIZE=${config.DIGEST_BATCH_SIZE}, NODE_OPTIONS=${deployedWorkerNodeOptions() || '(none)'} (docker-compose.yml's)`]);
  if (full) rows.push(['full run', `${round(full.seconds, 1)} s, ${full.run.sent} sent`]);
  if (dry) rows.push(['dry run', `${round(dry.seconds, 1)} s, ${dry.run.sent} built and rendered`]);
  if (late) rows.push(['dry run with late news', `${round(late.seconds, 1)} s, ${late.run.sent} built and rendered`]);
  if (api) {
    rows.push(['POST /api/subscriptions', `${api.signup.requestsPerSecond} req/s, p99 ${api.signup.p99Ms} ms, non-2xx ${api.signup.non2xx}`]);
    rows.push(['GET /api/meetings (week)', `${api.meetings.requestsPerSecond} req/s, p99 ${api.meetings.p99Ms} ms, non-2xx ${api.meetings.non2xx}`]);
    rows.push(['  the same, gzip accepted', `${api.meetings_gzip.requestsPerSecond} req/s, p99 ${api.meetings_gzip.p99Ms} ms, non-2xx ${api.meetings_gzip.non2xx}`]);
  }
  if (startup) {
    for (const variant of ['tsx', 'tsx_cold', 'dist'] as const) {
      const v = startup[variant];
      rows.push([`start-up, ${variant}`, `worker ${v.worker_start_ms} ms, serve ${v.serve_start_ms} ms, worker RSS ${v.worker_rss_mb} MB (peak ${v.worker_peak_rss_mb} MB)`]);
    }
    for (const [against, r] of Object.entries(startup.ratios)) {
      rows.push([`  ${against.replaceAll('_', ' ')}`, `worker start ×${r.worker_start_ms}, serve start ×${r.serve_start_ms}, worker RSS ×${r.worker_rss_mb} (peak ×${r.worker_peak_rss_mb}); medians of ${startup.rounds} rounds`]);
    }
  }
  if (dashboard) rows.push([`GET /admin (dashboard, 50 runs, ${args.consoleConnections} connections)`, `${dashboard.requestsPerSecond} req/s, p99 ${dashboard.p99Ms} ms, non-2xx ${dashboard.non2xx}`]);
  const width = Math.max(...rows.map(([key]) => key.length));
  for (const [key, value] of rows) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
}
