import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/meetings/errors.js';
import { recordsFromText } from '../../../src/meetings/import.js';
import { validateMeeting } from '../../../src/meetings/store.js';
import { fixturePage, fixturePages, sharedSeedTexts, type FixturePage } from '../../helpers/fixtures.js';

/** Either a record that passes the canonical schema, or an ImportError: never anything else. */
function outcomeOf(text: string): 'meeting' | 'rejected' {
  try {
    // What the store would accept: the canonical schema, with its errors as ImportError.
    for (const record of recordsFromText(text)) validateMeeting(record);
    return 'meeting';
  } catch (error) {
    if (error instanceof ImportError) {
      expect(error.message.length).toBeGreaterThan(10);
      return 'rejected';
    }
    throw error;
  }
}

// Our fixture pages, and the source pages beside the repository when they are there.
const pages = [...(Object.keys(fixturePages) as FixturePage[]).map(fixturePage), ...sharedSeedTexts()];

/** A meeting page with lines dropped, duplicated, swapped or replaced by junk: realistic damage. */
const damagedPage = fc
  .tuple(
    fc.constantFrom(...pages),
    fc.array(
      fc.tuple(fc.constantFrom('drop', 'duplicate', 'junk', 'swap', 'truncate'), fc.nat(), fc.string({ unit: 'binary', maxLength: 80 })),
      { minLength: 1, maxLength: 12 },
    ),
  )
  .map(([page, edits]) => {
    const lines = page.split('\n');
    for (const [edit, at, junk] of edits) {
      const index = at % Math.max(lines.length, 1);
      if (edit === 'drop') lines.splice(index, 1);
      else if (edit === 'duplicate') lines.splice(index, 0, lines[index] ?? '');
      else if (edit === 'junk') lines.splice(index, 1, junk);
      else if (edit === 'swap') [lines[index], lines[0]] = [lines[0] ?? '', lines[index] ?? ''];
      else lines[index] = (lines[index] ?? '').slice(0, junk.length % 20);
    }
    return lines.join('\n');
  });

describe('importing arbitrary text', () => {
  it('returns a valid meeting or a clear ImportError for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
      outcomeOf(text);
    }), { numRuns: 400 });
  });

  it('returns a valid meeting or a clear ImportError for damaged meeting pages', () => {
    const seen = { meeting: 0, rejected: 0 };
    fc.assert(fc.property(damagedPage, (text) => {
      seen[outcomeOf(text)] += 1;
    }), { numRuns: 300 });
    // Most damage leaves a page that still parses: the parser degrades, it does not give up.
    expect(seen.meeting).toBeGreaterThan(seen.rejected);
  });

  it('returns a valid meeting or a clear ImportError for arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      const text = JSON.stringify(value);
      if (text === undefined) return;
      outcomeOf(text);
    }), { numRuns: 300 });
  });
});
