import type { FastifyError, FastifyInstance } from 'fastify';
import { classifyError, errorBody } from '../errors.js';
import { statusPage } from '../html/error-pages.js';
import { sendPage } from '../html/support.js';

/**
 * The one error handler: 4xx say what was wrong (and which fields), 5xx hide
 * the details from the caller and are logged with the request id. Domain
 * errors are answered as the table in ../errors.ts says.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) => {
    const [path = '', query] = request.url.split(/\?(.*)/s);
    if ((request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/')) {
      // A page asked for with a trailing slash ("/preferences/<token>/") is that page: sent on, within this site only.
      const trimmed = path.replace(/\/+$/, '');
      if (trimmed !== path && /^\/[^/\\]/.test(trimmed)) return reply.redirect(query === undefined ? trimmed : `${trimmed}?${query}`, 308);
      // People, not programs, follow links outside /api: they get the site's page, not JSON.
      return sendPage(reply, 404, statusPage(404));
    }
    reply.code(404).send(errorBody('not_found', `No route for ${request.method} ${path}`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const failure = classifyError(error, request);
    switch (failure.kind) {
      case 'domain':
        return reply.code(failure.answer.status).send(errorBody(failure.answer.code, failure.answer.message, failure.answer.fields));
      case 'validation': {
        const listed = failure.fields.map((field) => `${field.path} ${field.message}`).join('; ');
        return reply.code(400).send(errorBody('validation_failed', `Invalid ${failure.context}: ${listed}`, failure.fields));
      }
      case 'serialization':
        request.log.error({ err: error, issues: failure.issues }, 'response did not match its schema');
        return reply.code(500).send(errorBody('internal', 'Something went wrong on our side; it has been logged.'));
      case 'unstorable':
        return reply.code(400).send(errorBody('bad_request', 'The request contains characters that cannot be stored, such as the NUL character (\\u0000)'));
      case 'client':
        return reply.code(failure.status).send(errorBody(failure.code, failure.message));
      case 'server':
        request.log.error({ err: error }, 'request failed');
        return reply
          .code(failure.status)
          .send(errorBody(failure.status === 503 ? 'unavailable' : 'internal', `Something went wrong on our side (request ${request.id}); it has been logged.`));
    }
  });
}
