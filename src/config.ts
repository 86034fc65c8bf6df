import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { confirmLinkDays } from './tokens/signed-links.js';

/**
 * Every setting the service reads, validated once at start-up. Anything wrong
 * fails the boot with one line per setting, never a request later on.
 */

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const optionalUrl = (protocols: RegExp, example: string) =>
  optionalString.pipe(
    z
      .url({ protocol: protocols, error: `must be a URL like ${example}` })
      .optional(),
  );

/**
 * A whole number within limits. Every way of getting it wrong (not a number,
 * a fraction, too small, too large) gets the one message that names the
 * limits: "must be a whole number from 1 to 100", "... 1 or more".
 */
const wholeNumber = (min: number, max?: number) => {
  const message = `must be a whole number ${max === undefined ? `${min} or more` : `from ${min} to ${max}`}`;
  const atLeast = z.coerce.number({ error: message }).int(message).min(min, message);
  return max === undefined ? atLeast : atLeast.max(max, message);
};

/** A number above 0 and at most `max`, fractions allowed: "must be a number above 0 and at most 10000". */
const positiveNumber = (max: number) => {
  const message = `must be a number above 0 and at most ${max}`;
  return z.coerce.number({ error: message }).positive(message).max(max, message);
};

/** Text of at least `min` characters: "must be at least 16 characters" (or "must not be empty"). */
const atLeastCharacters = (min: number) => z.string().min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);

const port = wholeNumber(1, 65_535);

const pendingExpiryMessage = `must be 0 (keep them) or a whole number of at least ${confirmLinkDays}: a confirmation link works that long`;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

// The same parser BullMQ's job scheduler uses, so what passes here will schedule.
const isCron = (expression: string) => {
  try {
    CronExpressionParser.parse(expression);
    return expression.split(/\s+/).length === 5;
  } catch {
    return false;
  }
};

const rate = z.coerce
  .number({ error: 'must be a number from 0 to 1 (0.003 is 0.3%)' })
  .min(0, 'must be a number from 0 to 1 (0.003 is 0.3%)')
  .max(1, 'must be a number from 0 to 1 (0.003 is 0.3%)');

const flag = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((value) => value === 'true' || value === '1');

/**
 * Mail that comes back (src/inbound): the VERP return path's domain, the
 * inbound SMTP server and IMAP mailbox, the provider webhooks, and the
 * run's guard rails on bounce and complaint rates.
 */
const inboundSettings = {
  // Unset: mail goes with MAIL_FROM as its envelope sender, as before; set: bounces+<token>@BOUNCE_DOMAIN.
  BOUNCE_DOMAIN: optionalString.pipe(
    z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name such as bounces.example.org')
      .transform((domain) => domain.toLowerCase())
      .optional(),
  ),
  INBOUND_SMTP_PORT: port.default(2525),
  // Where `council-digest inbound` listens; 0.0.0.0 for an MX that faces the internet.
  INBOUND_SMTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  // `serve` runs the inbound SMTP server in its own process too.
  SERVE_INBOUND: flag.default(false),
  // `council-digest inbound`'s own /metrics listener (its counters live in its process); 0 turns it off.
  INBOUND_METRICS_PORT: wholeNumber(0, 65_535).default(9465),
  INBOUND_MAX_MESSAGE_BYTES: wholeNumber(1024, 52_428_800).default(1_048_576),
  INBOUND_MAX_CONNECTIONS: wholeNumber(1, 10_000).default(50),
  // Connections one client address may hold at once; past it, 421. Below the global cap, so one client cannot take every slot.
  INBOUND_MAX_CONNECTIONS_PER_IP: wholeNumber(1, 10_000).default(5),
  // How long one connection may last however busy it keeps itself (NOOP, RSET): then 421 and closed.
  INBOUND_SESSION_SECONDS: wholeNumber(1, 3_600).default(300),
  // Messages one client address may hand over a minute; past it, 421 until the minute is out.
  INBOUND_RATE_PER_MINUTE: wholeNumber(1, 100_000).default(120),
  // PEM files: with both, the server offers STARTTLS.
  INBOUND_TLS_CERT: optionalString,
  INBOUND_TLS_KEY: optionalString,
  INBOUND_IMAP_URL: optionalUrl(/^imaps?$/, 'imaps://user:pass@imap.example.org/INBOX'),
  INBOUND_IMAP_POLL_SECONDS: wholeNumber(5, 86_400).default(60),
  // Handled mail is moved here (created if missing), never deleted.
  INBOUND_IMAP_DONE_FOLDER: z.string().trim().min(1).default('Processed'),
  // Amazon SES through SNS: the topics we subscribed (unset: the webhook answers 503), and the hosts signing certificates may come from.
  SES_SNS_TOPIC_ARNS: optionalString.transform((value) => value?.split(',').map((arn) => arn.trim()).filter(Boolean)),
  SES_SNS_CERT_HOST: z
    .string()
    .trim()
    .default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$')
    .refine((pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    }, 'must be a regular expression matching the certificate URL host'),
  MAILGUN_WEBHOOK_SIGNING_KEY: optionalString,
  POSTMARK_WEBHOOK_USER: optionalString,
  POSTMARK_WEBHOOK_PASSWORD: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // A run pauses itself past these rates of its sends, once it has sent RUN_PAUSE_MIN_SENDS.
  RUN_COMPLAINT_PAUSE_RATE: rate.default(0.003),
  RUN_BOUNCE_PAUSE_RATE: rate.default(0.05),
  RUN_PAUSE_MIN_SENDS: wholeNumber(1, 10_000_000).default(500),
};

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().trim().pipe(atLeastCharacters(1)).default('127.0.0.1'),
  PUBLIC_BASE_URL: optionalUrl(/^https?$/, 'https://digest.example.org'),
  DATABASE_URL: optionalUrl(/^postgres(ql)?$/, 'postgres://user@host:5432/db'),
  REDIS_URL: optionalUrl(/^rediss?$/, 'redis://127.0.0.1:6379'),
  // Namespaces every BullMQ key, so two deployments (or a benchmark) can share one Redis.
  QUEUE_PREFIX: z.string().trim().regex(/^[\w.-]+$/, 'letters, digits, dot, dash or underscore').default('council-digest'),
  SMTP_URL: optionalUrl(/^smtps?$/, 'smtp://user:pass@smtp.example.org:587'),
  MAIL_FROM: z.string().trim().pipe(atLeastCharacters(3)).default('Council Digest <digest@localhost>'),
  ADMIN_TOKEN: optionalString.pipe(atLeastCharacters(16).optional()),
  // Unset: /metrics is open (keep it off the public internet); set: scrapes send it as a bearer token.
  METRICS_TOKEN: optionalString.pipe(atLeastCharacters(16).optional()),
  TOKEN_SECRET: optionalString.pipe(atLeastCharacters(32).optional()),
  DIGEST_CRON: z
    .string()
    .trim()
    .refine(isCron, 'must be a five-field cron expression such as "0 7 * * 1"')
    .default('0 7 * * 1'),
  DIGEST_TZ: z
    .string()
    .trim()
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/London')
    .default('Europe/London'),
  DKIM_DOMAIN: optionalString,
  DKIM_SELECTOR: optionalString,
  DKIM_PRIVATE_KEY: optionalString,
  BOUNCE_WEBHOOK_SECRET: optionalString.pipe(atLeastCharacters(16).optional()),
  DATA_DIR: z.string().trim().pipe(atLeastCharacters(1)).default('./data'),
  // Sign-up abuse limits: requests per client IP, and mails (confirmation or
  // manage link) per address, within one window.
  SIGNUP_RATE_LIMIT_PER_IP: wholeNumber(1).default(20),
  SIGNUP_RATE_LIMIT_PER_ADDRESS: wholeNumber(1).default(3),
  SIGNUP_RATE_LIMIT_WINDOW_MINUTES: wholeNumber(1).default(60),
  // Partner feeds: what one partner may ask for, so one key cannot flood recipients or the weekly run.
  FEEDS_PER_PARTNER: wholeNumber(1).default(20),
  RECIPIENTS_PER_FEED: wholeNumber(1).default(50),
  // Requests one partner key may make to the partner API a minute, so one misbehaving client cannot crowd out the rest.
  PARTNER_RATE_LIMIT_PER_MINUTE: wholeNumber(1).default(120),
  // The weekly run: sends in flight per worker, the global send rate (messages
  // a second, counted in Redis across every worker), subscribers per send job,
  // and how many hard bounces suppress an address.
  WORKER_CONCURRENCY: wholeNumber(1, 100).default(4),
  SEND_RATE_PER_SECOND: positiveNumber(10_000).default(10),
  DIGEST_BATCH_SIZE: wholeNumber(1, 1000).default(100),
  // A delivery claimed this long ago by an attempt that never finished (a killed worker) is taken over and re-sent with its Message-ID.
  DIGEST_STALE_CLAIM_SECONDS: wholeNumber(1).default(300),
  HARD_BOUNCE_LIMIT: wholeNumber(1).default(3),
  // Sign-ups never confirmed are erased this many days after their last confirmation mail; 0 keeps them.
  PENDING_EXPIRY_DAYS: z.coerce
    .number({ error: pendingExpiryMessage })
    .refine((days) => Number.isInteger(days) && (days === 0 || days >= confirmLinkDays), pendingExpiryMessage)
    .default(30),
  // The worker's own /metrics listener (its counters live in its process); 0 turns it off.
  WORKER_METRICS_PORT: wholeNumber(0, 65_535).default(9464),
  // How long the API keeps a serialised listing (meetings, councils, topics) and the catalogue in memory; 0 keeps nothing.
  API_CACHE_SECONDS: wholeNumber(0, 3600).default(10),
  // Harvests of the councils' sites (src/harvest): when every enabled source is read (in DIGEST_TZ), and how gently.
  HARVEST_CRON: z
    .string()
    .trim()
    .refine(isCron, 'must be a five-field cron expression such as "0 5 * * *"')
    .default('0 5 * * *'),
  // Milliseconds between the starts of two requests to one site.
  HARVEST_PAUSE_MS: wholeNumber(0, 60_000).default(250),
  // How long one request may take; a source's own timeout_seconds overrides it (a self-hosted site can take a minute).
  HARVEST_TIMEOUT_SECONDS: wholeNumber(1, 600).default(30),
  // Tries after the first for a request that may pass (timeouts, 5xx, 429, an HTML error page).
  HARVEST_RETRIES: wholeNumber(0, 10).default(3),
  // The largest answer read from a site, in MB: past it the request is aborted, so a broken or hostile site cannot exhaust the heap.
  HARVEST_MAX_ANSWER_MB: wholeNumber(1, 100).default(10),
  // A harvest still running this long after it started is marked failed ("expired") and never joined: the next request starts a new one.
  HARVEST_BUDGET_MINUTES: wholeNumber(10, 1440).default(120),
  // Alerts (src/alerts): off switches the whole feature (no passes, no mails, no schedule). The daily send of what waited, in DIGEST_TZ.
  ALERTS_ENABLED: flag.default(true),
  ALERT_CRON: z
    .string()
    .trim()
    .refine(isCron, 'must be a five-field cron expression such as "0 7 * * *"')
    .default('0 7 * * *'),
  // The operators' console (/admin): sign-in requests one client IP and one
  // address may make within the window (every request counts, operator or not).
  CONSOLE_SIGN_IN_PER_IP: wholeNumber(1, 1000).default(20),
  CONSOLE_SIGN_IN_PER_ADDRESS: wholeNumber(1, 100).default(5),
  CONSOLE_SIGN_IN_WINDOW_MINUTES: wholeNumber(1, 1440).default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...inboundSettings,
});

export type Config = z.output<typeof envSchema> & { PUBLIC_BASE_URL: string };

/** Settings a production start must be given explicitly: their embedded defaults are for one machine. */
const requiredInProduction = [
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'ADMIN_TOKEN',
  'TOKEN_SECRET',
] as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // A value can break several checks that share one message (0.5 is neither whole nor at least 1): say it once.
    throw new ConfigError([...new Set(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))]);
  }
  const settings = parsed.data;
  const problems: string[] = [];
  if (settings.NODE_ENV === 'production') {
    for (const name of requiredInProduction) {
      if (!settings[name]) problems.push(`${name}: must be set when NODE_ENV=production`);
    }
  }
  const dkim = [settings.DKIM_DOMAIN, settings.DKIM_SELECTOR, settings.DKIM_PRIVATE_KEY];
  if (dkim.some(Boolean) && !dkim.every(Boolean)) {
    problems.push('DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY: set all three to sign, or none');
  }
  if (settings.INBOUND_MAX_CONNECTIONS_PER_IP > settings.INBOUND_MAX_CONNECTIONS) {
    problems.push('INBOUND_MAX_CONNECTIONS_PER_IP: must be at most INBOUND_MAX_CONNECTIONS, or one client can hold every connection');
  }
  if (Boolean(settings.INBOUND_TLS_CERT) !== Boolean(settings.INBOUND_TLS_KEY)) {
    problems.push('INBOUND_TLS_CERT, INBOUND_TLS_KEY: set both to offer STARTTLS, or neither');
  }
  if (Boolean(settings.POSTMARK_WEBHOOK_USER) !== Boolean(settings.POSTMARK_WEBHOOK_PASSWORD)) {
    problems.push('POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD: set both to enable the Postmark webhook, or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...settings,
    PUBLIC_BASE_URL: (settings.PUBLIC_BASE_URL ?? `http://localhost:${settings.PORT}`).replace(/\/+$/, ''),
  };
}
