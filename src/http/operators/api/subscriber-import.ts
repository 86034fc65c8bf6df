import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importSubscribers, rejectionListLimit } from '../../../subscribers/import.js';
import { csvRows, jsonArrayRows, limitBytes, ndjsonRows, type RawRow } from '../../../subscribers/import-formats.js';
import { loadCatalogue } from '../../../meetings/catalogue.js';
import type { AppDeps } from '../../deps.js';
import { audit } from '../../plugins/roles.js';
import { ApiError } from '../../errors.js';
import { clockOf } from '../../deps.js';
import { adminErrorResponses, errorResponse } from '../../schemas.js';

/** 100,000 subscribers with long filter lists fit well inside this. */
export const importBodyLimit = 100 * 1024 * 1024;

const readers: Record<string, (source: Readable) => AsyncIterable<RawRow>> = {
  'text/csv': csvRows,
  'application/json': jsonArrayRows,
  'application/x-ndjson': ndjsonRows,
};

const reportOut = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejectedCount: z.number(),
  rejected: z.array(z.object({ row: z.number(), email: z.string().optional(), reason: z.string() })),
});

/**
 * The import route lives in a scope of its own: its body is handed over as a
 * raw stream (for CSV, JSON and NDJSON alike) and read row by row, where the
 * rest of the app parses JSON bodies whole.
 */
export async function subscriberImportRoute(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(Object.keys(readers), (_request, payload, done) => done(null, payload));

  routes.post(
    '/api/admin/subscribers/import',
    {
      config: { role: 'operator' },
      bodyLimit: importBodyLimit,
      schema: {
        tags: ['operators'],
        security: [{ adminToken: [] }],
        summary: 'Import already-consented subscribers',
        description: [
          'Body: text/csv with a header row (email required; councils, committees, topics, keywords hold values separated by semicolons; note), a JSON array of {email, councils?, committees?, topics?, keywords?, note?}, or application/x-ndjson with one such object a line.',
          'Read as a stream in batches of 1,000, all in one transaction: an unreadable file imports nothing; a bad row is rejected with its reason and the rest go in.',
          'New addresses become active. Known pending, active and paused ones take the file\'s filters (pending become active; paused stay paused). Unsubscribed and suppressed addresses are rejected, never re-subscribed.',
          `Rows are numbered from 1 (the first after the CSV header); at most ${rejectionListLimit} rejections are listed, rejectedCount counts them all.`,
        ].join(' '),
        querystring: z.object({ note: z.string().trim().max(500).optional().describe('How consent was given, kept with rows that have no note of their own') }),
        response: { 200: reportOut, 413: errorResponse, 415: errorResponse, ...adminErrorResponses },
      },
    },
    async (request) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const read = readers[type];
      if (!read) throw new ApiError(415, `Send text/csv, application/json or application/x-ndjson, not ${type || '(no Content-Type)'}`);
      if (Number(request.headers['content-length']) > importBodyLimit) throw new ApiError(413, 'The import is larger than 100 MB: split it into several requests');
      const body = limitBytes(request.body as Readable, importBodyLimit);
      const report = await importSubscribers(deps.database.db, read(body), {
        catalogue: await loadCatalogue(deps.database.db),
        ...(request.query.note ? { note: request.query.note } : {}),
        now: clockOf(deps)(),
      });
      const { created, updated, unchanged, rejectedCount } = report;
      await audit(deps, request, { action: 'subscribers.import', objectType: 'subscribers', detail: { created, updated, unchanged, rejectedCount, note: request.query.note ?? null } });
      return report;
    },
  );
}
