import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Meeting summary pages (both layouts) and an executive-member report, in the
 * layouts the importers read, written for the tests in our own words
 * (tests/fixtures/meetings/). Nothing here needs anything beside the repository.
 */
export const fixturePagesDir = fileURLToPath(new URL('../fixtures/meetings/', import.meta.url));

export const fixturePages = {
  /** Compact layout with a title line, glued footnote markers, "- " bullets, no attendees or documents. */
  june: 'meeting-2025-06-17-childrens-social-care.txt',
  /** Spaced layout without a title line: chat box, "•" bullets, sub-headings, attendees, documents by category ("Childrens"). */
  july: 'meeting-2025-07-15-childrens-social-care.txt',
  /** Compact layout with "Key points"-style lists and one footnote. */
  september: 'meeting-2025-09-10-childrens-social-care.txt',
  /** The 2018 executive-member portfolio report. */
  report: 'executive-member-report-2018-03-childrens-services.txt',
} as const;

export type FixturePage = keyof typeof fixturePages;

export function fixturePage(key: FixturePage): string {
  return readFileSync(`${fixturePagesDir}${fixturePages[key]}`, 'utf8');
}

/** The source pages in ../shared/seeds, when a checkout has them beside it: extra input, never required. */
export const sharedSeedsDir = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

export function sharedSeedTexts(): string[] {
  if (!existsSync(sharedSeedsDir)) return [];
  return readdirSync(sharedSeedsDir)
    .filter((name) => name.endsWith('.txt'))
    .map((name) => readFileSync(`${sharedSeedsDir}${name}`, 'utf8'));
}
