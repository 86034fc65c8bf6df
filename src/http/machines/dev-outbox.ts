import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { simpleParser, type AddressObject } from 'mailparser';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { html, type SafeHtml } from '../html/html.js';

/** The newest messages listed; the folder itself keeps everything. */
const listLimit = 200;

const messageName = z.string().regex(/^[\w-]+\.eml$/, 'must be a message file name from the list');

// Dev pages with their own small stylesheet; a message's HTML shows in a sandboxed frame that can run nothing.
const devPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-src 'self'; base-uri 'none'; form-action 'none'";

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title} – Council Digest outbox</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f3f4f6; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { background: #f9fafb; }
iframe { width: 100%; height: 80vh; border: 1px solid #d1d5db; background: #fff; }
pre { white-space: pre-wrap; background: #fff; border: 1px solid #d1d5db; padding: 1rem; }
.note { color: #4b5563; }
</style></head>
<body><main>${body}</main></body></html>`.value;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  return (Array.isArray(value) ? value : value ? [value] : []).map((address) => address.text).join(', ');
}

/** A header as sent, unfolded: mailparser merges the List-* headers into one structured value. */
function rawHeader(raw: Buffer, name: string): string {
  const head = raw.toString('utf8').split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((each) => each.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/**
 * What the embedded SMTP server captured (SMTP_URL unset): the demo's and a
 * developer's mailbox. Registered only when that server is in use.
 */
export async function devOutboxRoutes(app: FastifyInstance, outboxDir: string) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const send = (reply: FastifyReply, body: string) =>
    reply.header('content-security-policy', devPolicy).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
  const load = async (name: string) => {
    try {
      return await readFile(path.join(outboxDir, name));
    } catch {
      throw new ApiError(404, `No message ${name} in the outbox`);
    }
  };

  routes.get('/dev/outbox', { schema: { hide: true } }, async (_request, reply) => {
    // Names start with the time of capture, so the newest sort last.
    const names = (await readdir(outboxDir)).filter((name) => name.endsWith('.eml')).sort().reverse();
    const shown = await Promise.all(
      names.slice(0, listLimit).map(async (name) => ({ name, mail: await simpleParser(await load(name)) })),
    );
    return send(
      reply,
      layout(
        'Outbox',
        html`<h1>Outbox</h1>
<p class="note">${names.length} messages captured by the embedded SMTP server in ${outboxDir}${names.length > listLimit ? `, newest ${listLimit} shown` : ''}. Nothing here left this machine.</p>
<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>
${shown.map(
  ({ name, mail }) =>
    html`<tr><td>${mail.date?.toISOString().replace('T', ' ').slice(0, 19) ?? ''}</td><td>${addresses(mail.to)}</td><td><a href="/dev/outbox/${name}">${mail.subject ?? '(no subject)'}</a></td></tr>`,
)}
</tbody></table>`,
      ),
    );
  });

  routes.get('/dev/outbox/:name', { schema: { hide: true, params: z.object({ name: messageName }) } }, async (request, reply) => {
    const raw = await load(request.params.name);
    const mail = await simpleParser(raw);
    const rows: [string, string][] = [
      ['From', addresses(mail.from)],
      ['To', addresses(mail.to)],
      ['Date', mail.date?.toISOString() ?? ''],
      ['Message-ID', mail.messageId ?? ''],
      ...['List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Id'].map((name): [string, string] => [name, rawHeader(raw, name)]),
    ];
    return send(
      reply,
      layout(
        mail.subject ?? 'Message',
        html`<p><a href="/dev/outbox">← Outbox</a> · <a href="/dev/outbox/${request.params.name}/raw">Raw message</a></p>
<h1>${mail.subject ?? '(no subject)'}</h1>
<table>${rows.map(([name, value]) => html`<tr><th>${name}</th><td>${value}</td></tr>`)}</table>
<h2>HTML part</h2>
${mail.html ? html`<iframe title="HTML part" sandbox="" srcdoc="${mail.html}"></iframe>` : html`<p class="note">No HTML part.</p>`}
<h2>Plain-text part</h2>
<pre>${mail.text ?? ''}</pre>`,
      ),
    );
  });

  routes.get('/dev/outbox/:name/raw', { schema: { hide: true, params: z.object({ name: messageName }) } }, async (request, reply) =>
    reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(await load(request.params.name)),
  );
}
