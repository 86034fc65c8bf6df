import { ImportError } from '../errors.js';
import type { MeetingInput } from '../schema.js';
import { parseMeetingPage } from './page-text.js';
import { parseExecutiveReport } from './report.js';

export type TextFormat = 'json' | 'page' | 'report';

export interface TextOptions {
  /** IANA zone of the times in the text; default Europe/London. */
  timeZone?: string;
  /** Fills in, or overrides, the council. */
  council?: string;
}

export function detectFormat(text: string): TextFormat {
  if (/^\s*[[{]/.test(text)) return 'json';
  if (/^[ \t]*PORTFOLIO:/im.test(text) || /^[ \t]*1\.[ \t]+Cabinet decisions\b/im.test(text)) return 'report';
  return 'page';
}

/** Meeting page or Executive Member report; JSON is the caller's to parse against the schema. */
export function parseText(text: string, options: TextOptions = {}): MeetingInput {
  const format = detectFormat(text);
  if (format === 'json') throw new ImportError('This text is JSON: import it as a meeting JSON file, not as page or report text.');
  return format === 'report' ? parseExecutiveReport(text, options) : parseMeetingPage(text, options);
}
