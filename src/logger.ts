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

/**
 * Paths whose segments are secrets: emailed link tokens (/confirm/:token and
 * the rest, /admin/sign-in/:token) and secret Atom URLs (/feeds/:id/:token.atom).
 */
const secretPathSegments = [
  /^(\/(?:feeds\/)?(?:confirm|preferences|unsubscribe|resubscribe|digests)\/)[^/?#]+/,
  /^(\/feeds\/[^/?#]+\/)[^/?#]+(?=\.atom(?:[?#]|$))/,
  // The operators' console: emailed sign-in links.
  /^(\/admin\/sign-in\/)[^/?#]+/,
];

/** A request URL fit for a log line: link and feed tokens replaced. */
export function redactUrl(url: string): string {
  return secretPathSegments.reduce((redacted, pattern) => redacted.replace(pattern, '$1[redacted]'), url);
}

/** What Fastify logs of a request, with the secrets a URL can carry taken out. */
function requestForLog(request: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return {
    method: request.method,
    url: redactUrl(request.url ?? ''),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** The options every logger of the service is made with: its level, redaction and serializers. */
export function loggerOptions(options: { level?: string; name?: string } = {}): pino.LoggerOptions {
  return {
    name: options.name ?? 'council-digest',
    level: options.level ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { req: requestForLog },
  };
}

export function createLogger(options: { level?: string; name?: string; stderr?: boolean } = {}): Logger {
  // Commands keep stdout for their own output (tables, JSON); logs go to stderr.
  return pino(loggerOptions(options), pino.destination(options.stderr ? 2 : 1));
}
