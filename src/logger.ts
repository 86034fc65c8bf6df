import pino, { type Logger } from 'pino';

export type { Logger };

/** Secrets that must never reach a log line, wherever they appear. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-webhook-secret"]',
  'headers.authorization',
  'authorization',
  'token',
  'apiKey',
  'password',
  'secret',
  '*.token',
  '*.apiKey',
  '*.password',
  '*.secret',
];

export function createLogger(options: { level?: string; name?: string; stderr?: boolean } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'council-digest',
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    // Commands keep stdout for their own output (tables, JSON); logs go to stderr.
    pino.destination(options.stderr ? 2 : 1),
  );
}
