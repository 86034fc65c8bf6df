/** The error codes of `{error: {code, message, fields?}}`, by HTTP status. */
export const errorCodes = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
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
