import type { RenderedEmail } from '../mail/templates.js';
import { emailKey } from '../subscribers/email.js';
import type { DigestContent } from './compose.js';
import type { DigestDeps } from './deps.js';
import { digestEmail, renderDigest } from './email.js';
import { recipientByEmailKey, recipientByPublicId, type RecipientRow } from './run-repo.js';
import { loadCatalogue } from '../meetings/catalogue.js';
import { hadBefore } from './late-news.js';
import { buildDigest } from './select.js';
import { previousWeek, type Week } from './week.js';

export type PreviewDeps = Pick<DigestDeps, 'db' | 'templates' | 'mail' | 'zone' | 'now'>;

export interface Preview {
  recipient: RecipientRow;
  week: Week;
  /** Null when nothing matched: a run would skip this subscriber. */
  content: DigestContent | null;
  rendered: RenderedEmail | null;
}

/**
 * A subscriber's digest for a week, built and rendered from the current data
 * and their current filters, and sent nowhere: the operator's preview and
 * the subscriber's "view in your browser" page. "Since last week" leaves out
 * what they already had from other weeks' digests, as the run does.
 */
export async function previewDigest(
  deps: PreviewDeps,
  who: { email: string } | { publicId: string },
  week: Week = previousWeek(deps.now(), deps.zone),
): Promise<Preview | undefined> {
  const recipient = 'email' in who ? await recipientByEmailKey(deps.db, emailKey(who.email)) : await recipientByPublicId(deps.db, who.publicId);
  if (!recipient?.email) return undefined;
  const request = { week, zone: deps.zone, filters: recipient.filters, catalogue: await loadCatalogue(deps.db), subscriberId: recipient.id };
  const content = await buildDigest(deps.db, request, (late) =>
    hadBefore(deps.db, recipient.id, week, late),
  );
  const rendered = content ? renderDigest(deps.templates, digestEmail(deps.mail, content, { ...recipient, email: recipient.email })) : null;
  return { recipient, week, content, rendered };
}
