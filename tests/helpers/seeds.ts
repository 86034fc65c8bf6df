import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The source pages in ../shared/seeds, beside the repository (as in CI). */
export const sharedSeeds = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

export function sharedSeed(name: string): string {
  return readFileSync(`${sharedSeeds}${name}`, 'utf8');
}

export const seedPages = {
  june: 'meeting-2025-06-17-childrens-social-care.txt',
  july: 'meeting-2025-07-15-childrens-social-care.txt',
  september: 'meeting-2025-09-10-childrens-social-care.txt',
  report: 'executive-member-report-2018-03-childrens-services.txt',
} as const;
