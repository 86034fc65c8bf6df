import { sql } from 'drizzle-orm';
import { createSource, queueHarvest } from '../src/harvest/repo.js';
import { runHarvest, type HarvestDeps } from '../src/harvest/run.js';
import { createLogger } from '../src/logger.js';
import { generatedAnswers, startModernGovSite, type SiteRoute } from '../tests/helpers/moderngov-site.js';
import { createBenchDatabase, dropBenchDatabase } from './data.js';
import { numberOption } from './measure.js';

/**
 * `npm run bench -- --harvest [--committees 40] [--per-committee 10] [--latency-ms 20] [--pause-ms 0] [--json]`
 * Harvests a made-up ModernGov site served on loopback (the tests' recorded
 * site, generated larger), in a throwaway database: a first harvest that
 * stores every meeting, then the same site again, unchanged, side by side.
 * Each answer waits --latency-ms, as a council's server would. --pause-ms is
 * the pause between requests (HARVEST_PAUSE_MS, 250 in production: there
 * the site's pace, not ours, sets the time).
 */


export async function benchHarvest(args: string[]): Promise<number> {
  const committees = numberOption(args, 'committees', 40, { zero: true });
  const perCommittee = numberOption(args, 'per-committee', 10, { zero: true });
  const latencyMs = numberOption(args, 'latency-ms', 20, { zero: true });
  const pauseMs = numberOption(args, 'pause-ms', 0, { zero: true });
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cd_bench_${process.pid}`;
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

  const now = new Date();
  const start = new Date(now.getTime() - 20 * 86_400_000);
  const answers = generatedAnswers({ committees, perCommittee, start });
  const slowed = new Map<string, SiteRoute>([...answers].map(([key, answer]) => [key, Array.isArray(answer) ? answer : { ...answer, delayMs: latencyMs }]));
  const site = await startModernGovSite({ answers: slowed });
  const database = await createBenchDatabase(serverUrl, name);
  try {
    const source = await createSource(database.db, { council: 'Benchmark Borough Council', kind: 'moderngov', url: site.url });
    const deps: HarvestDeps = {
      db: database.db,
      logger: createLogger({ level: 'warn', name: 'bench', stderr: true }),
      userAgent: 'council-digest bench',
      now: () => now,
      policy: { pauseMs },
    };
    const window = { from: new Date(start.getTime() - 86_400_000).toISOString().slice(0, 10), to: new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10) };
    const harvestOnce = async (label: string) => {
      const requestsBefore = site.requests.length;
      const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'bench' });
      const began = performance.now();
      const harvest = await runHarvest(deps, id);
      const seconds = (performance.now() - began) / 1000;
      const meetings = harvest.created + harvest.updated + harvest.unchanged;
      const requests = site.requests.length - requestsBefore;
      log(`${label}: ${meetings} meetings in ${seconds.toFixed(2)} s (${harvest.created} created, ${harvest.unchanged} unchanged, ${harvest.errors.length} errors), ${requests} requests`);
      if (harvest.status !== 'finished' || harvest.errors.length) throw new Error(`${label} harvest ${harvest.status}: ${JSON.stringify(harvest.errors.slice(0, 3))}`);
      // A harvest that reads meetings and no agenda item measures nothing: the reader and the site disagree.
      if (meetings > 0 && harvest.items === 0) throw new Error(`${label} harvest read ${meetings} meetings and no agenda items`);
      return { seconds, meetings, requests, items: harvest.items, perSecond: meetings / seconds };
    };
    log(`site of ${committees} committees, ${committees * perCommittee} meetings, ${latencyMs} ms per answer, ${pauseMs} ms between requests`);
    const first = await harvestOnce('first harvest');
    const writesBefore = await rowVersions(database);
    const again = await harvestOnce('unchanged site');
    const unchangedWrites = writesBefore === (await rowVersions(database)) ? 0 : 1;
    const figures = {
      committees,
      meetings: first.meetings,
      items: first.items,
      first_meetings_per_s: round(first.perSecond, 1),
      unchanged_meetings_per_s: round(again.perSecond, 1),
      unchanged_vs_first: round(again.perSecond / first.perSecond, 2),
      requests_per_meeting: round(first.requests / first.meetings, 3),
      max_in_flight: site.maxInFlight,
      unchanged_rows_written: unchangedWrites,
    };
    if (args.includes('--json')) console.log(JSON.stringify(figures));
    else console.table(figures);
    return unchangedWrites === 0 && site.maxInFlight <= 2 ? 0 : 1;
  } finally {
    await database.close();
    await dropBenchDatabase(serverUrl, name);
    await site.close();
  }
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Every meeting row's version together: any write to a meeting changes it. */
async function rowVersions(database: Awaited<ReturnType<typeof createBenchDatabase>>): Promise<string> {
  const result = await database.db.execute<{ v: string }>(sql`
    select string_agg(id || ':' || xmin, ',' order by id) as v from (
      select id, xmin from meetings union all select id, xmin from sections union all select id, xmin from documents) rows`);
  return result.rows[0]?.v ?? '';
}
