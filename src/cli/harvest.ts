import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { DateTime } from 'luxon';
import { checkSource, type SourceCheck } from '../harvest/check.js';
import { createHarvestMetrics } from '../harvest/metrics.js';
import {
  createSource,
  findHarvest,
  findSource,
  findSourceOfCouncil,
  listSources,
  queueHarvest,
  updateSource,
  type HarvestRow,
  type SourceRow,
} from '../harvest/repo.js';
import { describeVerdict } from '../harvest/robots.js';
import { harvestWindow, runHarvest } from '../harvest/run.js';
import { normaliseBaseUrl } from '../harvest/site.js';
import { createDigestMetrics } from '../digests/metrics.js';
import type { Runtime } from '../main/runtime.js';
import { queueAlertsFromCommand, wireHarvest } from '../main/wiring.js';
import { printTable } from './terminal.js';

interface HarvestOptions {
  source?: number;
  council?: string;
  url?: string;
  from?: string;
  to?: string;
}

function dayOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return value;
}

function urlOption(value: string): string {
  try {
    return normaliseBaseUrl(value);
  } catch {
    throw new InvalidArgumentError('expected the http(s) URL of a ModernGov site, such as https://democracy.example.gov.uk');
  }
}

/** A command's mistake in one line, and exit code 1. */
class HarvestCommandError extends Error {
  override readonly name = 'HarvestCommandError';
}

/** `council-digest harvest`: read councils' ModernGov sites now, in this process, with a progress bar. */
export function registerHarvestCommands(program: Command, open: (name: string) => Promise<Runtime>) {
  program
    .command('harvest')
    .description("read councils' ModernGov sites into the meeting store now (every enabled source, or the one named)")
    .option('--source <id>', 'the source to read (see GET /api/admin/sources)', sourceId)
    .option('--council <name>', "the council whose site to read (name, slug or alias)")
    .option('--url <url>', "with --council: the site's URL, saved as the council's source (added if it has none)", urlOption)
    .option('--from <date>', 'first day of the window (default: 28 days ago)', dayOption)
    .option('--to <date>', 'last day of the window (default: 56 days ahead)', dayOption)
    .action(async (options: HarvestOptions) => {
      if (options.from && options.to && options.from > options.to) return fail('--from must not be after --to');
      if (options.source && options.council) return fail('give --source or --council, not both');
      if (options.url && !options.council) return fail('--url needs --council: say whose site it is');
      const runtime = await open('harvest');
      try {
        const sources = await chooseSources(runtime, options);
        if (sources.length === 0) return fail('No enabled sources: `council-digest seed` adds the councils\' sites, or name one with --council and --url.');
        const failed: string[] = [];
        const finished: HarvestRow[] = [];
        for (const source of sources) {
          const harvest = await harvestNow(runtime, source, options);
          finished.push(harvest);
          if (harvest.status === 'failed') failed.push(`Harvest of ${source.council} failed: ${harvest.errors[0]?.message ?? 'nothing could be read'}`);
        }
        printHarvests(finished);
        for (const line of failed) console.error(line);
        if (failed.length) process.exitCode = 1;
      } catch (error) {
        if (error instanceof HarvestCommandError) return fail(error.message);
        throw error;
      } finally {
        await runtime.close();
      }
    });
}

/**
 * `council-digest sources check [--source ID]`: probes each site as a
 * harvest would (robots.txt, GetCommittees and its latency, one recent
 * meeting) and prints a row per source; what an operator runs on day one.
 */
export function registerSourceCommands(program: Command, open: (name: string) => Promise<Runtime>) {
  program
    .command('sources')
    .description("the councils' sites harvests read")
    .command('check')
    .description('probe each site as a harvest would: robots.txt, GetCommittees and its latency, one recent meeting with its items and papers; kept as the source\'s last check')
    .option('--source <id>', 'check this source only (default: every source, enabled or not)', sourceId)
    .action(async (options: { source?: number }) => {
      const runtime = await open('sources-check');
      try {
        const { db } = runtime.database;
        const sources = options.source ? [await findSource(db, options.source)].filter((source) => source !== undefined) : await listSources(db);
        if (options.source && !sources.length) return fail(`No source ${options.source}: \`council-digest sources check\` checks them all.`);
        const deps = wireHarvest(runtime);
        const checks: [SourceRow, SourceCheck][] = [];
        for (const source of sources) {
          console.error(`Checking ${source.council} (${source.url})...`);
          checks.push([source, await checkSource(deps, source)]);
        }
        printTable(
          ['source', 'council', 'enabled', 'robots.txt', 'GetCommittees', 'live', 'meeting', 'items', 'papers', 'result'],
          checks.map(([source, check]) => [
            String(source.id),
            source.council,
            source.enabled ? 'yes' : 'no',
            describeVerdict(check.robots, source.robotsPermission),
            check.committeesMs === null ? '–' : `${check.committeesMs} ms`,
            check.liveCommittees === null ? '–' : String(check.liveCommittees),
            check.meeting ? `${check.meeting.date} ${check.meeting.committee}` : '–',
            check.meeting ? String(check.meeting.items) : '–',
            check.meeting ? String(check.meeting.papers) : '–',
            check.ok ? 'ok' : 'FAILED',
          ]),
        );
        const problems = checks.filter(([, check]) => check.problem);
        if (problems.length) console.log('');
        for (const [source, check] of problems) console.log(`${source.council}: ${check.problem}`);
        if (checks.some(([, check]) => !check.ok)) process.exitCode = 1;
      } finally {
        await runtime.close();
      }
    });
}

function sourceId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw new InvalidArgumentError('expected a source id');
  return id;
}

function fail(line: string) {
  console.error(line);
  process.exitCode = 1;
}

async function chooseSources({ database: { db } }: Runtime, options: HarvestOptions): Promise<SourceRow[]> {
  if (options.source) {
    const source = await findSource(db, options.source);
    if (!source) throw new HarvestCommandError(`No source ${options.source}: \`curl /api/admin/sources\` lists them.`);
    return [source];
  }
  if (options.council) {
    const known = await findSourceOfCouncil(db, options.council);
    if (options.url) {
      if (known) return [(await updateSource(db, known.id, { url: options.url }))!];
      return [await createSource(db, { council: options.council, kind: 'moderngov', url: options.url })];
    }
    if (!known) throw new HarvestCommandError(`${options.council} has no source: add its site with --url.`);
    return [known];
  }
  return listSources(db, { enabledOnly: true });
}

/** Runs one source's harvest here, or follows the one a worker already has queued or running. */
async function harvestNow(runtime: Runtime, source: SourceRow, options: HarvestOptions): Promise<HarvestRow> {
  const { config, database } = runtime;
  const window = harvestWindow(new Date(), config.DIGEST_TZ, options);
  const { id, joined } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'cli', budgetMinutes: config.HARVEST_BUDGET_MINUTES });
  console.error(`${joined ? 'Following' : 'Harvesting'} ${source.council} (${source.url}), ${window.from} to ${window.to}${joined ? `: harvest ${id} was already under way` : ''}.`);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: `{council} [{bar}] {value}/{total} meetings | {status}`, stream: process.stderr, hideCursor: true, clearOnComplete: false })
    : undefined;
  bar?.start(1, 0, { council: source.council, status: 'reading committees' });
  try {
    if (!joined) {
      const deps = wireHarvest(runtime, { metrics: createHarvestMetrics(createDigestMetrics({ processMetrics: false }).registry) });
      const harvest = await runHarvest(deps, id, ({ done, total }) => {
        bar?.setTotal(Math.max(total, 1));
        bar?.update(done, { status: 'reading meetings' });
      });
      if (harvest.created + harvest.updated > 0) await queueAlertsFromCommand(runtime, { harvestId: id });
      return harvest;
    }
    for (;;) {
      const harvest = (await findHarvest(database.db, id))!;
      bar?.setTotal(Math.max(harvest.total, 1));
      bar?.update(harvest.done, { status: harvest.status });
      if (harvest.status === 'finished' || harvest.status === 'failed') return harvest;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    bar?.stop();
  }
}

/** What each harvest stored, then what it could not read and what it warned of. */
export function printHarvests(harvests: HarvestRow[]) {
  printTable(
    ['harvest', 'council', 'status', 'created', 'updated', 'unchanged', 'skipped', 'items', 'errors', 'warnings', 'requests'],
    harvests.map((harvest) => [
      String(harvest.id),
      harvest.council,
      harvest.status,
      ...[harvest.created, harvest.updated, harvest.unchanged, harvest.skipped, harvest.items, harvest.errors.length, harvest.warningCount, harvest.requests].map(String),
    ]),
  );
  const warnings = harvests.flatMap((harvest) => harvest.warnings.map((warning) => ({ council: harvest.council, ...warning })));
  if (warnings.length) {
    console.log('\nRead, but not as the site says it published (GET /api/admin/harvests/<id> lists every warning):');
    printTable(['council', 'meeting', 'warning', 'what'], warnings.slice(0, 20).map((warning) => [warning.council, warning.meeting ?? '', warning.kind, warning.message]));
  }
  const errors = harvests.flatMap((harvest) => harvest.status === 'finished' ? harvest.errors.map((error) => ({ council: harvest.council, ...error })) : []);
  if (errors.length) {
    console.log('\nNot read this time (the next harvest tries again):');
    printTable(['council', 'meeting', 'error'], errors.slice(0, 20).map((error) => [error.council, error.meeting ?? '', error.message]));
    if (errors.length > 20) console.log(`and ${errors.length - 20} more: GET /api/admin/harvests/<id> lists them all.`);
  }
}
