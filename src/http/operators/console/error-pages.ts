import type { FastifyError, FastifyInstance } from 'fastify';
import { classifyError } from '../../errors.js';
import { html } from '../../html/html.js';
import { sendPage } from '../../html/support.js';
import { pageContext } from './context.js';
import { consolePage, type PageContext } from './layout.js';

const titles: Record<number, { title: string; lead: string }> = {
  400: { title: "We couldn't read that", lead: 'Something in what was sent does not look right. Go back and try again.' },
  403: { title: "You can't do that", lead: 'Your role does not allow it. An owner can change your role.' },
  404: { title: 'Not found', lead: 'It may have been removed, or the address is wrong.' },
  409: { title: "That can't be done now", lead: 'Something changed in the meantime.' },
  413: { title: 'That was too much to send', lead: 'Send less at once.' },
  422: { title: "That can't be used", lead: 'Fix what is listed and try again.' },
  429: { title: 'Too many attempts', lead: 'Please wait a while and try again.' },
  500: { title: 'Something went wrong on our side', lead: 'It has been logged. Please try again in a few minutes.' },
  503: { title: 'Not available here', lead: 'This process is not set up for it.' },
};

/** A console error page: what happened, the specific reason, and the way back. */
export function consoleErrorPage(context: PageContext, status: number, detail?: string): string {
  const known = titles[status] ?? titles[status >= 500 ? 500 : 400]!;
  return consolePage(context, {
    title: known.title,
    body: html`<h1>${known.title}</h1>
<p class="lead">${known.lead}</p>
${detail && html`<p>${detail}</p>`}
<p><a href="/admin">Back to the dashboard</a></p>`,
  });
}

export const overLimitDetail = 'The console reads at most 5 MiB of pasted text or file at once, and this was more, so nothing was read or imported. Split it, or use `council-digest import`.';

export const expiredFormDetail = 'The form had expired or came from elsewhere, so nothing was changed. Go back, reload the page and try again.';

/**
 * Console routes answer errors with console pages: domain errors as the
 * table in ../../errors.ts says, a stale form or too much text with what to
 * do; 5xx are logged and give a reference.
 */
export function useConsoleErrors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const page = (status: number, detail?: string) => sendPage(reply, status, consoleErrorPage(pageContext(request, reply), status, detail));
    const failure = classifyError(error, request);
    switch (failure.kind) {
      case 'domain':
        return page(failure.answer.status, failure.answer.detail);
      case 'validation':
        return page(400, failure.fields.map((field) => `${field.path.split('.').slice(1).join('.') || 'form'}: ${field.message}`).join('; '));
      case 'unstorable':
        return page(400, 'Text with a NUL character cannot be searched for or stored.');
      case 'client':
        if (failure.fastifyCode?.startsWith('FST_CSRF')) return page(403, expiredFormDetail);
        return page(failure.status, failure.status === 413 ? overLimitDetail : undefined);
      case 'serialization':
      case 'server':
    }
    request.log.error({ err: error }, 'console page failed');
    return page(500, `Reference: ${request.id}`);
  });
}
