import type { Db } from '../db/client.js';
import { recordsFromText, type ImportOptions } from '../meetings/import.js';
import type { Meeting } from '../meetings/schema.js';
import { storedImportOf, validateMeeting } from '../meetings/store.js';
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
  /** What an earlier import stored for this meeting that this one would remove: section headings, and decisions by count. */
  removes: { sections: string[]; decisions: number };
}

/** The most text the console reads or imports at once, as UTF-8 (a pasted page or a year of meetings is far less). */
export const consoleImportLimitBytes = 5 * 1024 * 1024;

/** Whether any record of a preview would take sections or decisions away from a stored meeting. */
export function removesAnything(preview: ImportPreviewRow[]): boolean {
  return preview.some((row) => row.removes.sections.length > 0 || row.removes.decisions > 0);
}

/** What a removal comes to, in words: "1 section and 2 decisions". */
export function removalSize(removes: ImportPreviewRow['removes']): string {
  const count = (n: number, one: string) => (n ? `${n} ${one}${n === 1 ? '' : 's'}` : '');
  return [count(removes.sections.length, 'section'), count(removes.decisions, 'decision')].filter(Boolean).join(' and ');
}

/** The headings in `before` that `after` no longer has (each heading as often as it was there). */
function removedHeadings(before: string[], after: string[]): string[] {
  const left = [...after];
  return before.filter((heading) => {
    const at = left.indexOf(heading);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

/**
 * Reads pasted or uploaded text the way an import would (format detected,
 * or forced) and validates every record, writing nothing: the operator sees
 * what was read, and what it would remove from a meeting stored before,
 * then imports the same text. Throws ImportError like the import itself.
 */
export async function readImport(db: Db, text: string, options: ImportOptions): Promise<ImportPreviewRow[]> {
  if (!text.trim()) throw new ImportError('There is nothing to read: paste the text or choose a file');
  const records = recordsFromText(text, options);
  const tagger = await loadTagger(db);
  const read = records.map((record, index) => {
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
      meeting,
    };
  });
  return Promise.all(
    read.map(async ({ meeting, ...row }) => {
      const stored = await storedImportOf(db, meeting);
      const removes = stored
        ? { sections: removedHeadings(stored.headings, row.headings), decisions: Math.max(0, stored.decisions - meeting.decisions.length) }
        : { sections: [], decisions: 0 };
      return { ...row, removes };
    }),
  );
}
