import { estimateRun } from '../src/console/run-estimate.js';
import { benchWeek, createBenchDatabase, dropBenchDatabase, importBenchMeetings, insertSubscribers } from './data.js';
import { parseArgs } from './measure.js';

/**
 * `npm run bench -- --run-estimate [--subscribers 100000] [--json]`
 * The console's confirmation before a run (`/admin/runs/new`): how long
 * estimateRun takes to decide every filter set of the bench's subscribers
 * (80% on 30 shared filter sets, 20% on two keywords of their own), in a
 * throwaway database. Ten rounds after one warm-up; each round loads the
 * week and learns its keywords afresh, as each page view does.
 */

const rounds = 10;

export async function benchRunEstimate(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cd_bench_${process.pid}`;
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const database = await createBenchDatabase(serverUrl, name);
  try {
    await importBenchMeetings(database);
    const { distinctFilterSets } = await insertSubscribers(database, args.subscribers);
    const warm = await estimateRun(database.db, benchWeek, 'Europe/London');
    log(`${warm.recipients} recipients in ${warm.filterSets} filter sets (${distinctFilterSets} made): ${warm.receive} receive, ${warm.skip} skipped`);
    const times: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const began = performance.now();
      await estimateRun(database.db, benchWeek, 'Europe/London');
      times.push(performance.now() - began);
    }
    times.sort((a, b) => a - b);
    const figures = { subscribers: args.subscribers, filterSets: warm.filterSets, medianMs: Math.round(times[Math.floor(rounds / 2)]!), maxMs: Math.round(times.at(-1)!) };
    if (args.json) console.log(JSON.stringify(figures));
    else log(`estimateRun: median ${figures.medianMs} ms, slowest ${figures.maxMs} ms over ${rounds} rounds`);
    return 0;
  } finally {
    await database.close();
    await dropBenchDatabase(serverUrl, name);
  }
}
