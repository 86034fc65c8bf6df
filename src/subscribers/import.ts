import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { FilterCatalogue } from './filters.js';
import type { RawRow } from './import-formats.js';
import { importBatchContext, upsertImportedSubscribers, type ImportedSubscriber } from './operator-repo.js';
import type { Tx } from './repo.js';
import { checkSignUp } from './signup.js';

export interface Rejection {
  row: number;
  email?: string;
  reason: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  /** Known addresses whose row already said exactly this. */
  unchanged: number;
  rejectedCount: number;
  /** The first `rejectionListLimit` rejections; rejectedCount has them all. */
  rejected: Rejection[];
}

/** Rows are written this many at a time: one round trip each, and bounded memory. */
export const importBatchSize = 1000;
export const rejectionListLimit = 1000;

/** A list given as an array, or as one string of values separated by semicolons (a CSV cell). */
const listField = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((value) => (Array.isArray(value) ? value : (value ?? '').split(';')).map((item) => item.trim()).filter(Boolean));

const importRow = z
  .object({
    email: z.string({ error: 'has no email' }),
    councils: listField,
    committees: listField,
    topics: listField,
    keywords: listField,
    note: z.string().trim().max(500, 'note: at most 500 characters').optional(),
  })
  .strict();

type Checked = { ok: true; subscriber: ImportedSubscriber } | { ok: false; email?: string; reason: string };

function checkRow(value: Record<string, unknown>, catalogue: FilterCatalogue, defaultNote: string | null): Checked {
  const email = typeof value.email === 'string' ? value.email.slice(0, 254) : undefined;
  const parsed = importRow.safeParse(value);
  if (!parsed.success) {
    return { ok: false, email, reason: parsed.error.issues.map((issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message)).join('; ') };
  }
  const checked = checkSignUp(parsed.data, catalogue);
  if (!checked.ok) {
    // Unknown-slug messages name their field already ("unknown topics: x"); per row, the valid lists would only repeat.
    const reason = checked.problems.map((problem) => (problem.valid ? problem.message : `${problem.path}: ${problem.message}`)).join('; ');
    return { ok: false, email, reason };
  }
  return {
    ok: true,
    subscriber: { email: checked.email, emailKey: checked.emailKey, filters: checked.filters, note: parsed.data.note || defaultNote },
  };
}

/**
 * Imports already-consented subscribers from a stream of rows, in one
 * transaction: a file that turns out unreadable half way imports nothing,
 * while single bad rows are rejected with their reason and the rest go in.
 * Addresses that unsubscribed or are suppressed are never brought back.
 */
export async function importSubscribers(
  db: Db,
  rows: AsyncIterable<RawRow>,
  options: { catalogue: FilterCatalogue; note?: string; now: Date },
): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejectedCount: 0, rejected: [] };
  const reject = (row: number, email: string | undefined, reason: string) => {
    report.rejectedCount += 1;
    if (report.rejected.length < rejectionListLimit) report.rejected.push({ row, ...(email !== undefined ? { email } : {}), reason });
  };
  // Only the keys are kept for the whole file, to reject a repeated address consistently.
  const firstRowOf = new Map<string, number>();
  let batch: { row: number; subscriber: ImportedSubscriber }[] = [];

  const flush = async (tx: Tx) => {
    const { statuses, suppressed } = await importBatchContext(tx, batch.map((item) => item.subscriber.emailKey));
    const writable = batch.filter(({ row, subscriber }) => {
      if (suppressed.has(subscriber.emailKey)) reject(row, subscriber.email, 'the address is on the suppression list');
      else if (statuses.get(subscriber.emailKey) === 'unsubscribed') reject(row, subscriber.email, 'the address unsubscribed; an import never re-subscribes anyone');
      else return true;
      return false;
    });
    const { created, updated } = await upsertImportedSubscribers(tx, writable.map((item) => item.subscriber), options.now);
    report.created += created;
    report.updated += updated;
    report.unchanged += writable.length - created - updated;
    batch = [];
  };

  await db.transaction(async (tx) => {
    for await (const raw of rows) {
      if ('error' in raw) {
        reject(raw.row, undefined, raw.error);
        continue;
      }
      const checked = checkRow(raw.value, options.catalogue, options.note ?? null);
      if (!checked.ok) {
        reject(raw.row, checked.email, checked.reason);
        continue;
      }
      const earlier = firstRowOf.get(checked.subscriber.emailKey);
      if (earlier !== undefined) {
        reject(raw.row, checked.subscriber.email, `the same address as row ${earlier}`);
        continue;
      }
      firstRowOf.set(checked.subscriber.emailKey, raw.row);
      batch.push({ row: raw.row, subscriber: checked.subscriber });
      if (batch.length >= importBatchSize) await flush(tx);
    }
    if (batch.length) await flush(tx);
  });
  // Batch-level rejections (suppressed, unsubscribed) are found after the row-level ones: list them in file order.
  report.rejected.sort((a, b) => a.row - b.row);
  return report;
}
