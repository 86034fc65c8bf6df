import { parseMeetingPage } from '../src/meetings/importers/page-text.js';
import { parseExecutiveReport } from '../src/meetings/importers/report.js';
import { hostileBodies, hostileHeader, hostileSignature } from '../tests/helpers/hostile-text.js';
import { parseArgs } from './measure.js';

/**
 * `npm run bench -- --importers [--json]`
 * How the page and report importers' time grows with hostile input: each
 * shape at 1 MB and at 5 MB, side by side, best of three. Linear work gives a
 * ratio near 5; a quadratic regex or loop, near 25.
 */
const sizes = [1024 * 1024, 5 * 1024 * 1024] as const;

function time(parse: (text: string) => unknown, text: string): number {
  let best = Infinity;
  for (let round = 0; round < 3; round += 1) {
    const began = performance.now();
    try {
      parse(text);
    } catch {
      // An ImportError is an answer too: what is timed is how long it takes to give one.
    }
    best = Math.min(best, performance.now() - began);
  }
  return best;
}

export function benchImporters(argv: string[]): number {
  const args = parseArgs(argv);
  const [small, large] = sizes.map((size) => hostileBodies(size));
  const rows = small!.map(([shape, body], index) => {
    const bigBody = large![index]![1];
    const page = [time(parseMeetingPage, hostileHeader + body), time(parseMeetingPage, hostileHeader + bigBody)] as const;
    const report = [time(parseExecutiveReport, `PORTFOLIO: X\n${body}${hostileSignature}`), time(parseExecutiveReport, `PORTFOLIO: X\n${bigBody}${hostileSignature}`)] as const;
    return {
      shape,
      page_1mb_ms: Math.round(page[0]),
      page_5mb_ms: Math.round(page[1]),
      page_ratio: Number((page[1] / Math.max(page[0], 0.1)).toFixed(1)),
      report_1mb_ms: Math.round(report[0]),
      report_5mb_ms: Math.round(report[1]),
      report_ratio: Number((report[1] / Math.max(report[0], 0.1)).toFixed(1)),
    };
  });
  if (args.json) console.log(JSON.stringify(rows));
  else console.table(rows);
  const worst = Math.max(...rows.flatMap((row) => [row.page_ratio, row.report_ratio]));
  process.stderr.write(`bench: worst 5 MB / 1 MB ratio ${worst} (linear ≈ 5, quadratic ≈ 25)\n`);
  return 0;
}
