import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { answerOf, errorBody, errorCodes, type ErrorStatus, type FieldError } from '../errors.js';
import { statusPage } from '../html/error-pages.js';
import { sendPage } from '../html/support.js';

/** invalid byte sequence (22021) and unsupported Unicode escape in JSON (22P05): what NUL in text becomes. */
const unstorableTextCodes = new Set(['22021', '22P05']);

export function isUnstorableText(error: unknown): boolean {
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (unstorableTextCodes.has((cause as { code?: unknown }).code as string)) return true;
  }
  return false;
}

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
    const known = answerOf(error, request);
    if (known) return reply.code(known.status).send(errorBody(known.code, known.message, known.fields));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields: FieldError[] = error.validation.map((issue) => ({
        path: [error.validationContext, ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
        message: issue.message ?? 'is invalid',
      }));
      return reply
        .code(400)
        .send(errorBody('validation_failed', `Invalid ${error.validationContext}: ${fields.map((field) => `${field.path} ${field.message}`).join('; ')}`, fields));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.code(500).send(errorBody('internal', 'Something went wrong on our side; it has been logged.'));
    }
    if (isUnstorableText(error)) {
      // Postgres text cannot hold NUL (and a few escapes); the transaction rolled back, nothing was written.
      return reply
        .code(400)
        .send(errorBody('bad_request', 'The request contains characters that cannot be stored, such as the NUL character (\\u0000)'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const known = (errorCodes as Record<number, string>)[status];
      const message =
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `Unsupported Content-Type ${request.headers['content-type'] ?? '(none)'}`
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'The request body is too large'
            : error.message;
      return reply.code(status).send(errorBody(known ?? 'bad_request', message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(status >= 500 && status in errorCodes ? (status as ErrorStatus) : 500)
      .send(errorBody(status === 503 ? 'unavailable' : 'internal', `Something went wrong on our side (request ${request.id}); it has been logged.`));
  });
}
