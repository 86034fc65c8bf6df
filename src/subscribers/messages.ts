import type { FilterLine } from './filters.js';
import type { SubscriberDeps } from './deps.js';
import { confirmLinkDays, subscriberLinks } from './links.js';
import { noteSubscriberEmailSent, recordSubscriberEmail, type Subscriber } from './repo.js';

export interface ConfirmEmail {
  confirmUrl: string;
  days: number;
  choices: FilterLine[];
}

export interface ManageEmail {
  manageUrl: string;
  /** One sentence on where the subscription stands. */
  standing: string;
}

declare module '../mail/templates.js' {
  interface TemplateData {
    confirm: ConfirmEmail;
    manage: ManageEmail;
  }
}

const standings: Record<Subscriber['status'], string> = {
  pending: 'This address is waiting for its subscription to be confirmed.',
  active: 'This address already gets the weekly digest.',
  paused: 'This address is subscribed, with the weekly digest paused.',
  unsubscribed: 'This address unsubscribed earlier; you can subscribe it again from the link below.',
  erased: '',
};

export type SubscriberMail = { kind: 'confirm'; choices: FilterLine[] } | { kind: 'manage' };

/**
 * Sends a confirmation or manage-link mail. It is recorded first (the
 * per-address limit counts it even while the SMTP call is in flight), then
 * the Message-ID is noted once the server accepts.
 */
export async function sendSubscriberMail(deps: SubscriberDeps, subscriber: Subscriber, mail: SubscriberMail): Promise<void> {
  if (!subscriber.email) return;
  const now = deps.now();
  const links = subscriberLinks(deps.baseUrl, deps.secret, subscriber, now);
  const rendered =
    mail.kind === 'confirm'
      ? deps.templates.render('confirm', { confirmUrl: links.confirm(), days: confirmLinkDays, choices: mail.choices })
      : deps.templates.render('manage', { manageUrl: links.manage(), standing: standings[subscriber.status] });
  const recordId = await recordSubscriberEmail(deps.db, subscriber.id, mail.kind, now);
  const sent = await deps.mailer.send({ to: subscriber.email, ...rendered });
  await noteSubscriberEmailSent(deps.db, recordId, sent.messageId);
}
