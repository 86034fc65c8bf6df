import { UnknownCommitteeError } from '../alerts/opt-in.js';
import type { FastifyError, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { CalendarError } from '../calendar/feeds.js';
import { RunRefusedError } from '../digests/week-guard.js';
import { WeekError } from '../digests/week.js';
import { FeedError, type FeedProblem } from '../feeds/errors.js';
import { FollowError } from '../follows/follow.js';
import { SourceExistsError } from '../harvest/repo.js';
import { SnsRefusal } from '../inbound/providers/sns.js';
import { ImportError } from '../meetings/errors.js';
import { EmailAddressError } from '../subscribers/email.js';
import { ImportFormatError, ImportTooLargeError } from '../subscribers/import-formats.js';
import { TokenError } from '../tokens/signed-links.js';

/** The error codes of `{error: {code, message, fields?}}`, by HTTP status. */
export const errorCodes = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal',
  503: 'unavailable',
} as const;

export type ErrorStatus = keyof typeof errorCodes;

export interface FieldError {
  path: string;
  message: string;
}

/** A failure the caller can act on: thrown from handlers, shaped by the one error handler. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: ErrorStatus,
    message: string,
    readonly fields?: FieldError[],
    readonly code: string = errorCodes[statusCode],
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, fields?: FieldError[]) {
  return { error: { code, message, ...(fields?.length ? { fields } : {}) } };
}

/**
 * How an error the caller can act on is answered: its status, the JSON
 * answer's code, message and fields, and `detail`, what an error page says
 * of it (the message, unless the page should say more).
 */
export interface ErrorAnswer {
  status: ErrorStatus;
  code: string;
  message: string;
  fields?: FieldError[];
  detail: string;
}

export const feedProblemStatus: Record<FeedProblem, ErrorStatus> = { not_found: 404, conflict: 409, limit_reached: 409, unknown_values: 422, unavailable: 503 };

/** Which input held the address that was refused: the request's body, query or path `email`, named as a schema failure names it. */
function addressField(request: FastifyRequest): string | undefined {
  const parts = { body: request.body, querystring: request.query, params: request.params };
  return Object.entries(parts).find(([, part]) => typeof part === 'object' && part !== null && 'email' in part)?.[0]?.concat('.email');
}

type Answering<E> = (error: E, request: FastifyRequest) => Omit<ErrorAnswer, 'code' | 'detail'> & { code?: string; detail?: string };

function answering<E extends Error>(type: abstract new (...args: never[]) => E, answer: Answering<E>) {
  return { type, answer: answer as Answering<Error> };
}

/**
 * The one table: each domain error, and the HTTP answer it gets from the
 * JSON, public-page and console-page renderers alike. Routes throw these
 * (or let them through); anything not listed is a fault of ours, a 500.
 */
const domainErrors = [
  answering(ApiError, (error) => ({ status: error.statusCode, code: error.code, message: error.message, ...(error.fields && { fields: error.fields }) })),
  answering(TokenError, (error) => ({ status: 400, message: error.message })),
  answering(ImportError, (error) => ({
    status: 422,
    code: 'invalid_meeting',
    message: error.message,
    fields: error.issues.map((issue) => ({ path: issue.path ?? (issue.line ? `line ${issue.line}` : '(input)'), message: issue.message })),
    detail: [error.message, ...error.issues.map((issue) => issue.message)].join(' '),
  })),
  answering(FeedError, (error) => ({
    status: feedProblemStatus[error.problem],
    ...(error.problem === 'limit_reached' && { code: 'limit_reached' }),
    message: error.message,
    fields: error.fields,
  })),
  answering(EmailAddressError, (error, request) => {
    const path = addressField(request);
    return { status: 400, message: error.message, ...(path && { fields: [{ path, message: error.message }] }) };
  }),
  answering(WeekError, (error) => ({ status: 400, message: error.message, fields: [{ path: 'week', message: error.message }] })),
  // A run the week guard refused is a conflict with the calendar: the message says when the week ends.
  answering(RunRefusedError, (error) => ({ status: 409, message: error.message })),
  // A calendar link outlives nothing: once its subscription ends, calendar apps are told to stop asking.
  answering(CalendarError, (error) => ({ status: error.problem === 'gone' ? 410 : 404, message: error.message })),
  // A Follow link outlives neither its subscription (gone) nor the item on the meeting's agenda (not found).
  answering(FollowError, (error) => ({ status: error.problem === 'gone' ? 410 : 404, message: error.message })),
  answering(SourceExistsError, (error) => ({ status: 409, message: error.message })),
  answering(ImportTooLargeError, (error) => ({ status: 413, message: `${error.message}; nothing was imported` })),
  answering(ImportFormatError, (error) => ({ status: 400, message: `${error.message}; nothing was imported` })),
  answering(SnsRefusal, (error) => ({ status: 403, message: `Refused: ${error.message}` })),
  // The preference centre's alerts form named a committee that is not there (or too many): nothing was changed.
  answering(UnknownCommitteeError, (error) => ({ status: 422, message: `${error.message} Your alerts are as they were.` })),
];

/** The answer the table gives `error`; undefined for an error it does not list. */
export function answerOf(error: unknown, request: FastifyRequest): ErrorAnswer | undefined {
  const known = domainErrors.find(({ type }) => error instanceof type);
  if (!known) return undefined;
  const { code, detail, ...answer } = known.answer(error as Error, request);
  return { ...answer, code: code ?? errorCodes[answer.status], detail: detail ?? answer.message };
}

/** invalid byte sequence (22021) and unsupported Unicode escape in JSON (22P05): what NUL in text becomes. */
const unstorableTextCodes = new Set(['22021', '22P05']);

export function isUnstorableText(error: unknown): boolean {
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (unstorableTextCodes.has((cause as { code?: unknown }).code as string)) return true;
  }
  return false;
}

/**
 * Every way a route can fail, sorted once for the three renderers (JSON in
 * plugins/errors.ts, public pages in html/support.ts, console pages in
 * operators/console/error-pages.ts), which differ only in how they show it.
 */
export type ErrorCase =
  | { kind: 'domain'; answer: ErrorAnswer }
  | { kind: 'validation'; context: string; fields: FieldError[] }
  /** Text Postgres cannot hold (NUL): the transaction rolled back, nothing was written. */
  | { kind: 'unstorable' }
  /** An answer that did not match its own schema: our fault, logged with its issues. */
  | { kind: 'serialization'; issues: unknown }
  /** Any other 4xx the framework or a plugin raised (a stale form, too large a body, an unknown Content-Type). */
  | { kind: 'client'; status: number; code: string; message: string; fastifyCode: string | undefined }
  | { kind: 'server'; status: ErrorStatus };

export function classifyError(error: FastifyError, request: FastifyRequest): ErrorCase {
  const answer = answerOf(error, request);
  if (answer) return { kind: 'domain', answer };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((issue) => ({
      path: [error.validationContext, ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'is invalid',
    }));
    return { kind: 'validation', context: error.validationContext ?? 'request', fields };
  }
  if (isResponseSerializationError(error)) return { kind: 'serialization', issues: error.cause.issues };
  if (isUnstorableText(error)) return { kind: 'unstorable' };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? `Unsupported Content-Type ${request.headers['content-type'] ?? '(none)'}`
        : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'The request body is too large'
          : error.message;
    return { kind: 'client', status, code: (errorCodes as Record<number, string>)[status] ?? 'bad_request', message, fastifyCode: error.code };
  }
  return { kind: 'server', status: status >= 500 && status in errorCodes ? (status as ErrorStatus) : 500 };
}
