import type { Db } from '../db/client.js';
import { recordsFromText, type ImportOptions } from '../meetings/import.js';
import type { Meeting } from '../meetings/schema.js';
import { validateMeeting } from '../meetings/store.js';
import { loadTagger } from '../meetings/topics/service.js';
import { ImportError } from '../meetings/errors.js';

/** What the importer read from one record, shown before anything is written. */
export interface ImportPreviewRow {
  council: string;
  committee: string;
  title: string;
  startsAt: string;
  status: Meeting['status'];
  headings: string[];
  attendees: number;
  decisions: number;
  documents: number;
  /** The topics it would be stored with: given in the record, or what the current rules tag. */
  topics: string[];
}

/**
 * Reads pasted or uploaded text the way an import would (format detected,
 * or forced) and validates every record, writing nothing: the operator sees
 * what was read, then imports the same text. Throws ImportError like the
 * import itself.
 */
export async function readImport(db: Db, text: string, options: ImportOptions): Promise<ImportPreviewRow[]> {
  if (!text.trim()) throw new ImportError('There is nothing to read: paste the text or choose a file');
  const records = recordsFromText(text, options);
  const tagger = await loadTagger(db);
  return records.map((record, index) => {
    let meeting: Meeting;
    try {
      meeting = validateMeeting(record);
    } catch (error) {
      if (error instanceof ImportError && records.length > 1) throw new ImportError(`Record ${index + 1} of ${records.length}: ${error.message}`, error.issues);
      throw error;
    }
    return {
      council: meeting.council,
      committee: meeting.committee,
      title: meeting.title ?? `${meeting.committee}, ${meeting.startsAt.slice(0, 10)}`,
      startsAt: meeting.startsAt,
      status: meeting.status,
      headings: meeting.sections.map((section) => section.heading),
      attendees: meeting.attendees.length,
      decisions: meeting.decisions.length,
      documents: meeting.documents.length,
      topics: meeting.topics ?? tagger(meeting).meeting.map((tag) => tag.slug),
    };
  });
}
