import type { FastifyInstance } from 'fastify';
import type { CapturedMail } from '../helpers/smtp.js';

/** The path of the first link to `page` in a captured mail's plain-text part (what app.inject takes). */
export function linkIn(mail: CapturedMail, page: 'confirm' | 'preferences'): string {
  const match = new RegExp(`https?://[^/\\s]+(/${page}/[A-Za-z0-9_.-]+)`).exec(mail.parsed.text ?? '');
  if (!match) throw new Error(`no /${page}/ link in mail "${mail.parsed.subject}":\n${mail.parsed.text}`);
  return match[1]!;
}

/** The hidden form token of the form posting to `action` on a rendered page. */
export function formTokenIn(page: string, action: string): string {
  const escaped = action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`<form method="post" action="${escaped}">\\s*<input type="hidden" name="_csrf" value="([^"]+)">`).exec(page);
  if (!match) throw new Error(`no form posting to ${action} on the page`);
  return match[1]!;
}

/** Every form action on a page, in order. */
export function formActions(page: string): string[] {
  return [...page.matchAll(/<form method="post" action="([^"]+)">/g)].map((match) => match[1]!);
}

export type FormFields = Record<string, string | string[]>;

export function formBody(fields: FormFields): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  return params.toString();
}

/** Posts a form as a browser would: url-encoded, from this site, with the token the page gave. */
export function postForm(app: FastifyInstance, url: string, fields: FormFields, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://digest.example.org', ...headers },
    payload: formBody(fields),
  });
}

/** Opens a page and submits its form to `action` with the page's own token plus `fields`. */
export async function submitFrom(app: FastifyInstance, pageUrl: string, action: string, fields: FormFields) {
  const page = await app.inject({ method: 'GET', url: pageUrl });
  return postForm(app, action, { _csrf: formTokenIn(page.body, action), ...fields });
}

/** A page's visible text, tags dropped and entities decoded, for asserting on wording. */
export function pageText(page: string): string {
  return page
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
