import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { meetingItemFollows } from '../../../console/meeting-follows.js';
import { consoleImportLimitBytes, readImport, removalSize, removesAnything, type ImportPreviewRow } from '../../../console/meeting-import.js';
import { ImportError } from '../../../meetings/errors.js';
import { importRecords, recordsFromText, type ImportOptions } from '../../../meetings/import.js';
import { queueAlertPassAfterImport } from '../../../alerts/pass.js';
import { findMeetings } from '../../../meetings/queries.js';
import type { AppDeps } from '../../deps.js';
import type { ApiCache } from '../../caches.js';
import { clockOf } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { pageContext } from './context.js';
import { overLimitDetail } from './error-pages.js';
import { importPage, meetingPage, meetingsPage, type ImportForm } from './meetings-page.js';
import { sendPage } from '../../html/support.js';
import { audit } from '../../plugins/roles.js';

const dateField = z.string().trim().regex(/^(\d{4}-\d{2}-\d{2})?$/, 'a date like 2025-06-16').optional();
const importFields = z
  .object({
    // Its limit is in bytes, checked by withinLimit: a 413, not a validation message.
    text: z.string().default(''),
    format: z.enum(['', 'json', 'page', 'report']).default(''),
    council: z.string().trim().max(200).default(''),
  })
  .passthrough();

/** The one limit of pasted or uploaded text, whichever way the form came (a longer multipart field arrives cut one byte past it). */
function withinLimit(text: string): string {
  if (Buffer.byteLength(text, 'utf8') > consoleImportLimitBytes) throw new ApiError(413, overLimitDetail);
  return text;
}

/** Every removal of a preview, in words: "1 section and 2 decisions (Youth Justice Plan)". */
function removalsOf(preview: ImportPreviewRow[]): string {
  const sections = preview.flatMap((row) => row.removes.sections);
  const size = removalSize({ sections, decisions: preview.reduce((sum, row) => sum + row.removes.decisions, 0) });
  return sections.length ? `${size} (${sections.join('; ')})` : size;
}

function importOptions(form: ImportForm): ImportOptions {
  return { ...(form.format ? { format: form.format as ImportOptions['format'] } : {}), ...(form.council ? { council: form.council } : {}) };
}

/** Meetings: list and search; import pasted or uploaded text after seeing what the importer read. */
export async function consoleMeetingRoutes(app: FastifyInstance, deps: AppDeps, cache: ApiCache) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const zone = deps.config.DIGEST_TZ;
  const now = clockOf(deps);
  const day = (date: DateTime) => date.toISODate()!;

  const list = async (request: FastifyRequest, reply: FastifyReply, query: { q?: string; from?: string; to?: string; cursor?: string }, imported?: Awaited<ReturnType<typeof importRecords>>) => {
    const today = DateTime.fromJSDate(now(), { zone });
    const search = { q: query.q ?? '', from: query.from || day(today.minus({ weeks: 12 })), to: query.to || day(today.plus({ weeks: 4 })) };
    const found = await findMeetings(
      db,
      {
        from: DateTime.fromISO(search.from, { zone }).toJSDate(),
        to: DateTime.fromISO(search.to, { zone }).plus({ days: 1 }).toJSDate(),
        ...(search.q ? { keywords: [search.q] } : {}),
      },
      { limit: 50, cursor: query.cursor },
    );
    return sendPage(reply, 200, meetingsPage(pageContext(request, reply), { search, meetings: found.meetings, next: found.nextCursor, imported, zone }));
  };

  routes.get(
    '/admin/meetings',
    { schema: { hide: true, querystring: z.object({ q: z.string().trim().max(200).optional(), from: dateField, to: dateField, cursor: z.string().max(200).optional() }) }, config: { role: 'viewer', consolePage: true } },
    async (request, reply) => list(request, reply, request.query),
  );

  routes.get('/admin/meetings/:id', { schema: { hide: true, params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }) }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const found = await meetingItemFollows(db, request.params.id);
    if (!found) throw new ApiError(404, `No meeting ${request.params.id}.`);
    return sendPage(reply, 200, meetingPage(pageContext(request, reply), { ...found, zone }));
  });

  routes.get('/admin/meetings/import', { schema: { hide: true }, config: { role: 'operator', consolePage: true } }, async (request, reply) =>
    sendPage(reply, 200, importPage(pageContext(request, reply), { form: { text: '', format: '', council: '' }, zone })),
  );

  // Reading writes nothing: it shows what an import of the same text would store.
  routes.post('/admin/meetings/import/read', { schema: { hide: true, body: importFields.extend({ file: z.instanceof(Buffer).optional() }) }, config: { role: 'operator', consolePage: true } }, async (request, reply) => {
    const { file, ...fields } = request.body;
    const form: ImportForm = { text: withinLimit(fields.text.trim() ? fields.text : (file?.toString('utf8') ?? '')), format: fields.format, council: fields.council };
    try {
      const preview = await readImport(db, form.text, importOptions(form));
      return sendPage(reply, 200, importPage(pageContext(request, reply), { form, preview, zone }));
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      const problems = [error.message, ...error.issues.map((issue) => `${issue.path ?? (issue.line ? `line ${issue.line}` : 'input')}: ${issue.message}`)];
      return sendPage(reply, 422, importPage(pageContext(request, reply), { form, problems, zone }));
    }
  });

  // An import that would take sections or decisions away from a stored meeting needs the preview's confirmation, checked afresh.
  routes.post('/admin/meetings/import', { schema: { hide: true, body: importFields.extend({ confirm: z.string().optional() }) }, config: { role: 'operator', consolePage: true } }, async (request, reply) => {
    const { confirm, ...form } = request.body;
    withinLimit(form.text);
    if (!form.text.trim()) throw new ApiError(400, 'There is nothing to import');
    const preview = await readImport(db, form.text, importOptions(form));
    if (removesAnything(preview) && confirm !== 'removals') {
      const unconfirmed = `This import would remove ${removalsOf(preview)} from what is stored: tick the box to confirm, or start again.`;
      return sendPage(reply, 409, importPage(pageContext(request, reply), { form, preview, unconfirmed, zone }));
    }
    const imported = await importRecords(db, recordsFromText(form.text, importOptions(form))).finally(() => cache.invalidate());
    await queueAlertPassAfterImport(deps.alerts, imported);
    await audit(deps, request, {
      action: 'meetings.import',
      objectType: 'meetings',
      objectId: imported.map((outcome) => outcome.id).join(','),
      detail: { created: imported.filter((outcome) => outcome.action === 'created').length, updated: imported.filter((outcome) => outcome.action === 'updated').length, unchanged: imported.filter((outcome) => outcome.action === 'unchanged').length },
    });
    return list(request, reply, {}, imported);
  });
}
