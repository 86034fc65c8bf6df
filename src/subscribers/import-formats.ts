import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';

/**
 * Readers that turn an import body into rows one at a time, so an import of
 * any size holds one batch in memory, never the whole file.
 */

/** One record of the file: its 1-based number among the data rows, and either its fields or why it could not be read. */
export type RawRow = { row: number; value: Record<string, unknown> } | { row: number; error: string };

/** The file as a whole cannot be read (not CSV or JSON, an unclosed quote): nothing is imported. */
export class ImportFormatError extends Error {
  override readonly name = 'ImportFormatError';
}

export class ImportTooLargeError extends Error {
  override readonly name = 'ImportTooLargeError';
  constructor(readonly limit: number) {
    super(`The import is larger than ${Math.round(limit / 1024 / 1024)} MB: split it into several requests`);
  }
}

/** A single row (a CSV record, a JSON element) larger than this is a broken file, not a subscriber. */
const maxRowBytes = 64 * 1024;

export const importColumns = ['email', 'councils', 'committees', 'topics', 'keywords', 'note'] as const;

/** Passes the body through, failing once more than `limit` bytes have gone by. */
export function limitBytes(source: Readable, limit: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > limit ? new ImportTooLargeError(limit) : null, chunk);
    },
  });
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}

/**
 * CSV with a header row naming some of `importColumns` (email required).
 * List cells hold several values separated by semicolons.
 */
export async function* csvRows(source: Readable): AsyncGenerator<RawRow> {
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, max_record_size: maxRowBytes });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let header: string[] | undefined;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = checkHeader(record);
        continue;
      }
      row += 1;
      if (record.length !== header.length) {
        yield { row, error: `has ${record.length} fields; the header has ${header.length}` };
        continue;
      }
      yield { row, value: Object.fromEntries(header.map((column, index) => [column, record[index]])) };
    }
  } catch (error) {
    throw (error as { code?: string }).code?.startsWith('CSV_') ? new ImportFormatError(`Not readable as CSV after row ${row}: ${(error as Error).message}`) : error;
  }
  if (!header) throw new ImportFormatError('The CSV is empty: send a header row (email,councils,committees,topics,keywords,note) and one row per subscriber');
}

function checkHeader(record: string[]): string[] {
  const columns = record.map((name) => name.trim().toLowerCase());
  const unknown = columns.filter((name) => !(importColumns as readonly string[]).includes(name));
  if (unknown.length) {
    throw new ImportFormatError(`Unknown CSV column ${unknown.map((name) => `"${name}"`).join(', ')}: the columns are ${importColumns.join(', ')}`);
  }
  if (!columns.includes('email')) throw new ImportFormatError(`The CSV header has no "email" column: the columns are ${importColumns.join(', ')}`);
  if (new Set(columns).size !== columns.length) throw new ImportFormatError('The CSV header names a column twice');
  return columns;
}

/** Newline-delimited JSON: one subscriber object a line. */
export async function* ndjsonRows(source: Readable): AsyncGenerator<RawRow> {
  let row = 0;
  for await (const line of createInterface({ input: source, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    row += 1;
    yield parseElement(row, line);
  }
}

function parseElement(row: number, text: string): RawRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { row, error: `not valid JSON (${(error as Error).message})` };
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? { row, value: value as Record<string, unknown> }
    : { row, error: 'is not an object like {"email": "..."}' };
}

/**
 * A JSON array, read element by element: a small scanner finds where each
 * top-level element ends (tracking strings, escapes and nesting) and hands
 * that slice to JSON.parse. A malformed element is that row's problem; a
 * body that is not an array at all is the file's.
 */
export async function* jsonArrayRows(source: Readable): AsyncGenerator<RawRow> {
  source.setEncoding('utf8');
  let state: 'start' | 'element' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let size = 0;
  let row = 0;
  let sawEnd = false;
  for await (const chunk of source as AsyncIterable<string>) {
    let start = 0;
    for (let index = 0; index < chunk.length; index += 1) {
      const char = chunk[index]!;
      if (state === 'start') {
        if (/\s/.test(char)) continue;
        if (char !== '[') throw new ImportFormatError('The JSON body must be an array of subscribers: [{"email": "..."}, ...]');
        state = 'element';
        start = index + 1;
      } else if (state === 'done') {
        if (!/\s/.test(char)) throw new ImportFormatError('Unexpected text after the end of the JSON array');
      } else if (inString) {
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') inString = false;
      } else if (char === '"') {
        inString = true;
      } else if (char === '{' || char === '[') {
        depth += 1;
      } else if ((char === '}' || char === ']') && depth > 0) {
        depth -= 1;
      } else if (depth === 0 && (char === ',' || char === ']')) {
        const text = parts.join('') + chunk.slice(start, index);
        parts = [];
        size = 0;
        start = index + 1;
        // An empty array's only "element" is blank; any other blank one is a stray comma.
        if (text.trim() || char === ',' || row > 0) {
          row += 1;
          yield text.trim() ? parseElement(row, text) : { row, error: 'is empty (two commas in a row?)' };
        }
        if (char === ']') {
          state = 'done';
          sawEnd = true;
        }
      }
    }
    if (state === 'element') {
      size += chunk.length - start;
      if (size > maxRowBytes) throw new ImportFormatError(`Row ${row + 1} is larger than ${maxRowBytes / 1024} KB`);
      parts.push(chunk.slice(start));
    }
  }
  if (!sawEnd) throw new ImportFormatError(state === 'start' ? 'The request body is empty: send a JSON array of subscribers' : 'The JSON array is not closed: the body was cut short');
}
