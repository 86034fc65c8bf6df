import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseText } from '../src/meetings/importers/detect.js';
import { fixturePage, fixturePages, fixturePagesDir, sharedSeedsDir, type FixturePage } from './helpers/fixtures.js';
import { copiedSentences, ownProse } from './helpers/originality.js';

/**
 * The tests must pass in a fresh clone, where ../shared does not exist: the
 * page fixtures are ours (tests/fixtures/), and nothing in src/ or tests/
 * reaches beside the repository except through the guarded helpers below.
 */

const root = fileURLToPath(new URL('../', import.meta.url));
/** The only files that may name the folder beside the repository, each reading it only when it is there. */
const guarded = new Set(['tests/helpers/fixtures.ts', 'tests/seeds.test.ts', 'tests/fixtures.test.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sourceFiles(relative);
    return /\.(?:ts|js|mjs|json)$/.test(entry.name) ? [relative] : [];
  });
}

describe('a fresh clone needs nothing beside it', () => {
  it('has no path into ../shared in src/, tests/, bench/ or scripts/ outside the guarded helpers', () => {
    const offenders = ['src', 'tests', 'bench', 'scripts']
      .flatMap(sourceFiles)
      .filter((file) => !guarded.has(file))
      .filter((file) => /\.\.\/shared\//.test(readFileSync(path.join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('keeps a page fixture for each layout the importers read', () => {
    for (const key of Object.keys(fixturePages) as FixturePage[]) expect(fixturePage(key).length, key).toBeGreaterThan(2000);
  });
});

describe('the page fixtures are in our own words', () => {
  it.runIf(existsSync(sharedSeedsDir)).each(Object.values(fixturePages))(
    'copy no sentence of 12 or more words of prose from the source page of the same name: %s (runs only when ../shared/seeds is present)',
    (name) => {
      const source = readFileSync(path.join(sharedSeedsDir, name), 'utf8');
      const ours = parseText(readFileSync(path.join(fixturePagesDir, name), 'utf8'));
      expect(copiedSentences(ownProse(ours), source)).toEqual([]);
    },
  );
});
