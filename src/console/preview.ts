import { buildDigest } from '../digests/select.js';
import { digestEmail, renderDigest } from '../digests/email.js';
import { previewDigest, type PreviewDeps } from '../digests/preview.js';
import type { Week } from '../digests/week.js';
import type { RenderedEmail } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import { loadCatalogue } from '../meetings/catalogue.js';
import { EmailAddressError } from '../subscribers/email.js';
import { normaliseFilters, type FilterSet } from '../subscribers/filters.js';

/** Whose digest to preview: a subscriber's own, or what any filter set would get. */
export type PreviewTarget = { email: string } | { filters: Partial<FilterSet> };

export type ConsolePreview =
  | { found: true; week: Week; rendered: RenderedEmail; meetings: number; sections: number }
  | { found: false; week: Week; reason: string };

/** Links in a filter set's preview belong to nobody: this stand-in makes them, and they lead to no one's settings. */
const nobody = { publicId: '00000000-0000-4000-8000-000000000000', tokenVersion: 0, email: 'preview@example.invalid' };

/**
 * A week's digest rendered exactly as the run renders it (same select,
 * compose and templates): a subscriber's with their own links, or a filter
 * set's with links that lead nowhere. Nothing is sent.
 */
export async function consolePreview(deps: PreviewDeps, target: PreviewTarget, week: Week): Promise<ConsolePreview> {
  if ('email' in target) {
    let found;
    try {
      found = await previewDigest(deps, { email: target.email }, week);
    } catch (error) {
      if (error instanceof EmailAddressError) return { found: false, week, reason: error.message };
      throw error;
    }
    if (!found) return { found: false, week, reason: `No subscriber ${target.email}` };
    if (!found.rendered || !found.content) return { found: false, week, reason: `Nothing that week matches what ${target.email} follows: a run would skip them.` };
    return { found: true, week, rendered: found.rendered, ...size(found.content.meetings) };
  }
  const filters = normaliseFilters(target.filters);
  const content = await buildDigest(deps.db, { week, zone: deps.zone, filters, catalogue: await loadCatalogue(deps.db) });
  if (!content) return { found: false, week, reason: 'Nothing that week matches this filter set: a run would skip its subscribers.' };
  return { found: true, week, rendered: renderDigest(deps.templates, digestEmail(deps.mail, content, nobody)), ...size(content.meetings) };
}

function size(meetings: { sections: unknown[] }[]) {
  return { meetings: meetings.length, sections: meetings.reduce((sum, meeting) => sum + meeting.sections.length, 0) };
}

/** Mails a preview to the operator's own address, marked as a test. */
export async function sendTestDigest(mailer: Mailer, to: string, rendered: RenderedEmail): Promise<void> {
  await mailer.send({ to, subject: `[Test] ${rendered.subject}`, html: rendered.html, text: rendered.text });
}
