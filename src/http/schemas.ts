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
