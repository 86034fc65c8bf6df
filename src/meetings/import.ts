import type { Db } from '../db/client.js';
import { ImportError } from './errors.js';
import { detectFormat, parseText } from './importers/detect.js';
import type { MeetingInput } from './schema.js';
import { assertKnownTopics, importMeeting, topicIdsBySlug, validateMeeting, type ImportOutcome } from './store.js';
import { loadTagger, type MeetingTagger } from './topics/service.js';

export type SourceFormat = 'json' | 'page' | 'report';

export interface ImportOptions {
  /** Force a format instead of detecting it from the text. */
  format?: SourceFormat;
  /** Fills in (or overrides) the council for page text that does not name one. */
  council?: string;
  timeZone?: string;
}

/** Records from one source (a file, a request body): JSON (one or an array), page text or a report. */
export function recordsFromText(text: string, options: ImportOptions = {}): MeetingInput[] {
  const format = options.format ?? detectFormat(text);
  if (format !== 'json') {
    return [parseText(text, { council: options.council, timeZone: options.timeZone })];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`The file is not valid JSON: ${(error as Error).message}`);
  }
  return recordsFromJson(parsed);
}

export function recordsFromJson(parsed: unknown): MeetingInput[] {
  const records = Array.isArray(parsed) ? parsed : [parsed];
  if (records.length === 0) throw new ImportError('The JSON holds an empty list: nothing to import');
  return records as MeetingInput[];
}

/**
 * Imports a batch of records. Every record is validated before the first is
 * written, so bad input anywhere writes nothing; each record then gets its
 * own transaction.
 */
export async function importRecords(
  db: Db,
  records: unknown[],
  tagger?: MeetingTagger,
): Promise<ImportOutcome[]> {
  const knownTopics = await topicIdsBySlug(db);
  const meetings = records.map((record, index) => {
    try {
      const meeting = validateMeeting(record);
      assertKnownTopics(meeting, knownTopics);
      return meeting;
    } catch (error) {
      if (error instanceof ImportError && records.length > 1) {
        throw new ImportError(
          `Record ${index + 1} of ${records.length}: ${error.message}`,
          error.issues.map((issue) => ({ ...issue, path: `[${index}].${issue.path ?? ''}` })),
        );
      }
      throw error;
    }
  });
  // Rules are read fresh for each batch: operators may have edited them in another process.
  const tag = tagger ?? (await loadTagger(db));
  const outcomes: ImportOutcome[] = [];
  for (const meeting of meetings) outcomes.push(await importMeeting(db, meeting, tag, knownTopics));
  return outcomes;
}
