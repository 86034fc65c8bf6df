import { z } from 'zod';

/** A query value given once, repeated, or comma-separated: always a clean list. */
export const listParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (Array.isArray(value) ? value : value ? [value] : [])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().max(200)).max(50));

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** The error answers every JSON route may give, for the OpenAPI document. */
export const errorResponses = {
  400: errorResponse,
  422: errorResponse,
} as const;

export const adminErrorResponses = {
  ...errorResponses,
  401: errorResponse,
  403: errorResponse,
  503: errorResponse,
} as const;

/**
 * A mailed link's token as a path parameter. Mail clients take the full
 * stop (or a bracket or quote) after a link at the end of a sentence into
 * it; a token never ends in one, so it is dropped, as the reader of mailed
 * unsubscribes does.
 */
export const linkTokenParams = z.object({ token: z.string().max(4096).transform((token) => token.replace(/[.,;:!?)\]>'"]+$/, '')) });
