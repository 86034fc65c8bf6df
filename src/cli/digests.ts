import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Db } from '../db/client.js';
import type { JobQueue } from '../jobs/types.js';
import { runDeliveries, runFailures } from '../digests/delivery-repo.js';
import { previewDigest } from '../digests/preview.js';
import { cancelRun, resumeRun, type RunDecision } from '../digests/guard-rails.js';
import { findRun, type DigestRun } from '../digests/run-repo.js';
import { RunRefusedError } from '../digests/week-guard.js';
import { requestRun, summariseRun } from '../digests/runs.js';
import { parseWeek, WeekError } from '../digests/week.js';
import type { Runtime } from '../main/runtime.js';
import { onShutdown } from '../main/shutdown.js';
import { startWork, wire, wirePreview, type Wiring } from '../main/wiring.js';
import { subscriberLinks } from '../subscribers/links.js';
import { printTable } from './terminal.js';
import { startWorker } from '../main/worker.js';

function weekOption(value: string) {
  try {
    return parseWeek(value);
  } catch (error) {
    if (error instanceof WeekError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** The weekly run's commands: `worker` and `digest run|status|preview`. */
export function registerDigestCommands(program: Command, open: (name: string) => Promise<Runtime>) {
  program
    .command('worker')
    .description('process jobs from Redis (REDIS_URL) and keep the weekly schedule; SIGTERM drains work in flight')
    .action(async () => {
      const runtime = await open('worker');
      const worker = await startWorker(runtime);
      onShutdown(async () => {
        await worker.close();
        await runtime.close();
      }, runtime.logger);
    });

  const digest = program.command('digest').description('the weekly digest run');

  digest
    .command('run')
    .description('start (or join) the run for a week and follow it; without REDIS_URL it runs in this process')
    .addOption(new Option('--week <date>', 'any day of the week to send (default: the week that ended before now)').argParser(weekOption))
    .option('--dry-run', 'build and render every digest, send nothing')
    .option('--force', 'send a week that has not ended yet, or one more than 8 weeks old')
    .action((options: { week?: string; dryRun?: boolean; force?: boolean }) =>
      withDigestWiring(open, async ({ runtime, wiring, inline }) => {
        const guard = { force: options.force ?? false, now: wiring.digests.now() };
        const requested = await requestRun(wiring.digests, { week: options.week, dryRun: options.dryRun, trigger: 'cli', guard }).catch((error: unknown) => {
          if (!(error instanceof RunRefusedError)) throw error;
          console.error(`${error.message}\nNothing was started: add --dry-run to build it without sending, or --force to send it anyway.`);
          process.exitCode = 1;
          return undefined;
        });
        if (!requested) return;
        const { run, joined, forced } = requested;
        if (forced) console.error(`Forced: ${forced.message}`);
        console.error(`${joined ? 'Joined' : 'Started'} run ${run.id} for the week of ${run.week}${run.dryRun ? ' (dry run)' : ''}.`);
        if (!inline) console.error('Workers send it (council-digest worker); Ctrl+C stops watching, not the run.');
        await printSettled(wiring, inline, await watchRun(runtime.database.db, run.id));
      }),
    );

  digest
    .command('status')
    .description("a run's status, counts, timings and latest failures")
    .argument('<run-id>', 'the run id', (value) => Number.parseInt(value, 10))
    .action(async (runId: number) => {
      const runtime = await open('digest');
      try {
        const run = await findRun(runtime.database.db, runId);
        if (!run) {
          console.error(`No digest run ${runId}.`);
          process.exitCode = 1;
          return;
        }
        printRun(run);
        const failures = await runFailures(runtime.database.db, run.id);
        if (failures.length) {
          console.log('\nLatest failures:');
          printTable(['email', 'attempts', 'error'], failures.map((failure) => [failure.email ?? '(erased)', String(failure.attempts), failure.error ?? '']));
        }
      } finally {
        await runtime.close();
      }
    });

  digest
    .command('resume')
    .description('resume a run that paused itself on its bounce or complaint rate; without REDIS_URL it sends in this process')
    .argument('<run-id>', 'the run id', runIdArgument)
    .action((runId: number) =>
      withDigestWiring(open, async ({ runtime, wiring, inline }) => {
        const decision = await resumeRun(wiring.digests, runId);
        if (!reportDecision(decision, runId, 'resume')) return;
        console.error(`Resumed run ${runId}: ${decision.requeued} held-back recipients queued again.`);
        await printSettled(wiring, inline, inline ? await watchRun(runtime.database.db, runId) : decision.run);
      }),
    );

  digest
    .command('cancel')
    .description('cancel an unfinished run: nothing more is sent for it')
    .argument('<run-id>', 'the run id', runIdArgument)
    .action(async (runId: number) => {
      const runtime = await open('digest');
      try {
        const decision = await cancelRun({ db: runtime.database.db, logger: runtime.logger }, runId);
        if (!reportDecision(decision, runId, 'cancel')) return;
        console.error(`Cancelled run ${runId}.`);
        printRun(decision.run);
      } finally {
        await runtime.close();
      }
    });

  digest
    .command('preview')
    .description("render a subscriber's digest without sending it: the text part, or the HTML into a file")
    .requiredOption('--email <address>', "the subscriber's address")
    .addOption(new Option('--week <date>', 'any day of the week (default: the week that ended before now)').argParser(weekOption))
    .option('--html <file>', 'write the HTML part to this file instead of printing the text part')
    .action(async (options: { email: string; week?: string; html?: string }) => {
      const runtime = await open('digest');
      try {
        const preview = await previewDigest(await wirePreview(runtime), { email: options.email }, options.week);
        if (!preview) {
          console.error(`No subscriber ${options.email}.`);
          process.exitCode = 1;
        } else if (!preview.rendered) {
          console.error(`Nothing in the week of ${preview.week} matches what ${options.email} follows: a run would skip them.`);
        } else if (options.html) {
          await writeFile(options.html, preview.rendered.html);
          console.error(`Subject: ${preview.rendered.subject}\nHTML written to ${options.html}.`);
        } else {
          console.log(`Subject: ${preview.rendered.subject}\n\n${preview.rendered.text}`);
        }
      } finally {
        await runtime.close();
      }
    });
}

/**
 * Waits for this process's in-memory jobs to end before it exits: when a run
 * pauses, its queued send jobs park their recipients in the database within
 * moments, where `digest resume` finds them; dropped, they would be lost.
 */
async function untilIdle(queue: JobQueue, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queue.depth()).some((entry) => entry.count > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

function runIdArgument(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1) throw new InvalidArgumentError('must be a run id such as 12');
  return id;
}

/** Says why an operator's decision changed nothing (exit status 1); true when it was made. */
function reportDecision(decision: RunDecision, runId: number, verb: 'resume' | 'cancel'): decision is Extract<RunDecision, { outcome: 'done' }> {
  if (decision.outcome === 'done') return true;
  console.error(decision.outcome === 'not-found' ? `No digest run ${runId}.` : `Run ${runId} is ${decision.run.status}: nothing to ${verb}.`);
  process.exitCode = 1;
  return false;
}

/** Follows a run until it finishes: a progress bar on a terminal, nothing in between otherwise. */
export async function watchRun(db: Db, runId: number): Promise<DigestRun> {
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: 'run {id} [{bar}] {value}/{total} | sent {sent} skipped {skipped} failed {failed} | {status}',
        stream: process.stderr,
        hideCursor: true,
      })
    : undefined;
  let run = (await findRun(db, runId))!;
  bar?.start(Math.max(run.total, 1), 0, { id: run.id, sent: 0, skipped: 0, failed: 0, status: run.status });
  while (!['completed', 'failed', 'paused', 'cancelled'].includes(run.status)) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    run = (await findRun(db, runId))!;
    bar?.setTotal(Math.max(run.total, 1));
    bar?.update(run.sent + run.skipped + run.failed, { sent: run.sent, skipped: run.skipped, failed: run.failed, status: run.status });
  }
  bar?.stop();
  return run;
}

/** A digest command's runtime and wiring (working the weekly run's jobs itself without REDIS_URL), closed when it ends. */
async function withDigestWiring(
  open: (name: string) => Promise<Runtime>,
  work: (parts: { runtime: Runtime; wiring: Wiring; inline: boolean }) => Promise<void>,
): Promise<void> {
  const runtime = await open('digest');
  const inline = !runtime.config.REDIS_URL;
  const wiring = await wire(runtime);
  try {
    if (inline) await startWork(wiring, { groups: ['digests'] });
    await work({ runtime, wiring, inline });
  } finally {
    await wiring.close();
    await runtime.close();
  }
}

/** Prints a run; in process, a paused run's jobs first set aside what they hold, so a resume finds it. */
async function printSettled(wiring: Wiring, inline: boolean, run: DigestRun): Promise<void> {
  if (inline && run.status === 'paused') await untilIdle(wiring.queue);
  printRun(run);
}

function printRun(run: DigestRun) {
  const summary = summariseRun(run, new Date());
  printTable(
    ['run', 'week', 'status', 'total', 'sent', 'skipped', 'failed', 'hard bounces', 'complaints', 'seconds'],
    [
      [
        `${summary.id}${summary.dryRun ? ' (dry)' : ''}`,
        summary.week,
        summary.status,
        ...[summary.total, summary.sent, summary.skipped, summary.failed].map(String),
        `${summary.hardBounces}${percent(summary.hardBounceRate)}`,
        `${summary.complaints}${percent(summary.complaintRate)}`,
        String(summary.seconds ?? ''),
      ],
    ],
  );
  if (summary.pausedReason) console.log(`Paused: ${summary.pausedReason}. Resume with \`digest resume ${summary.id}\` or cancel with \`digest cancel ${summary.id}\`.`);
  if (summary.samples.length) {
    console.log('\nSamples (nothing was sent):');
    printTable(['email', 'meetings', 'items', 'subject'], summary.samples.map((sample) => [sample.email, String(sample.meetings), String(sample.sections), sample.subject]));
  }
  if (summary.error) console.log(`Error: ${summary.error}`);
}

function percent(rate: number | null): string {
  return rate === null ? '' : ` (${(rate * 100).toFixed(2)}%)`;
}

/** Who got what in a run, for the demo; with a view-in-browser link for the first digest sent. */
export async function printRunDeliveries(db: Db, runId: number, links: { baseUrl: string; tokenSecret: string }) {
  const rows = await runDeliveries(db, runId);
  const follows = (row: (typeof rows)[number]) => {
    const filters =
      (['councils', 'committees', 'topics', 'keywords'] as const)
        .filter((field) => row[field]?.length)
        .map((field) => `${field}: ${row[field]!.join(', ')}`)
        .join('; ') || 'everything';
    return row.feed ? `feed "${row.feed}": ${filters}` : filters;
  };
  printTable(
    ['email', 'follows', 'status', 'meetings', 'items', 'subject'],
    rows.map((row) => [
      row.email ?? '(erased)',
      follows(row),
      row.status,
      String(row.meetings),
      String(row.sections),
      row.subject ?? row.error ?? '',
    ]),
  );
  const first = rows.find((row) => row.status === 'sent' && row.publicId);
  return first ? subscriberLinks(links.baseUrl, links.tokenSecret, { publicId: first.publicId!, tokenVersion: first.tokenVersion! }).digest(first.week) : undefined;
}
