import { fixturePage } from './fixtures.js';

/** What the importers' hostile-input tests and their bench (bench/importers.ts) feed them. */
export const hostileHeader = "You'll receive weekly summaries about X Council every week.\nA Committee - Monday, 3 March 2025 10.00 am\nSummary\n";
export const hostileSignature = '\nA Person\nExecutive Member for X\nMay 2019';

/**
 * Bodies of `size` characters built from the shapes the importers' regexes
 * look at: long runs, repeated openers, glued words, and real pages repeated.
 * A quadratic regex or loop shows on them as time growing with the square of
 * the size.
 */
export function hostileBodies(size: number): [string, string][] {
  const pages = [fixturePage('june'), fixturePage('july')];
  const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  return [
    ['one letter run', fill('a')],
    ['blank lines', fill('\n')],
    ['full stops', fill('.')],
    ['brackets', fill('[(')],
    ['glued words and numbers', fill('Word1 19983 ')],
    ['short lines', fill('Short heading\n')],
    ['bullets', fill('- item\n')],
    ['numbered lines', fill('1. Cabinet decisions\n5.1 X\n')],
    ['meeting pages', fill(`${pages[0]}\n${pages[1]}\n`)],
  ];
}
