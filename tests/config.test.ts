import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../src/config.js';
import { problemsOf } from './helpers/config.js';

describe('settings', () => {
  it('starts on embedded defaults with no settings at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: 'http://localhost:3000',
      MAIL_FROM: 'Council Digest <digest@localhost>',
      DIGEST_CRON: '0 7 * * 1',
      DIGEST_TZ: 'Europe/London',
      DATA_DIR: './data',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('derives the public base URL from the port and drops a trailing slash', () => {
    expect(loadConfig({ PORT: '8080' }).PUBLIC_BASE_URL).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://digest.example.org/' }).PUBLIC_BASE_URL).toBe('https://digest.example.org');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it('names every bad setting on a line of its own', () => {
    const problems = problemsOf({ PORT: 'eighty', DIGEST_TZ: 'Mars/Olympus', DIGEST_CRON: 'every monday', DATABASE_URL: 'mysql://x' });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^DIGEST_TZ: must be an IANA time zone/),
        expect.stringMatching(/^DIGEST_CRON: must be a five-field cron expression/),
        expect.stringMatching(/^DATABASE_URL: must be a URL like postgres:/),
      ]),
    );
  });

  it('refuses a production start without its five explicit settings, one line each', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      'DATABASE_URL: must be set when NODE_ENV=production',
      'REDIS_URL: must be set when NODE_ENV=production',
      'SMTP_URL: must be set when NODE_ENV=production',
      'ADMIN_TOKEN: must be set when NODE_ENV=production',
      'TOKEN_SECRET: must be set when NODE_ENV=production',
    ]);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://app@db:5432/digest',
      REDIS_URL: 'redis://redis:6379',
      SMTP_URL: 'smtp://mail:587',
      ADMIN_TOKEN: 'a-long-operator-token',
      TOKEN_SECRET: 'x'.repeat(40),
    });
    expect(config.NODE_ENV).toBe('production');
  });

  it('refuses a short admin token and half a DKIM configuration', () => {
    const problems = problemsOf({ ADMIN_TOKEN: 'short', DKIM_DOMAIN: 'example.org' });
    expect(problems).toEqual([
      'ADMIN_TOKEN: must be at least 16 characters',
    ]);
    expect(problemsOf({ DKIM_DOMAIN: 'example.org' })).toEqual([
      'DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY: set all three to sign, or none',
    ]);
  });
});

/** Every setting whose schema is a number (under its default), with the limits the schema itself holds. */
function numberSettings(): { name: string; min: number | null; max: number | null; whole: boolean }[] {
  return Object.entries(envSchema.shape).flatMap(([name, schema]) => {
    const inner = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
    if (!(inner instanceof z.ZodNumber)) return [];
    const bound = (value: number | null) => (value === null || !Number.isFinite(value) || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? null : value);
    return [{ name, min: bound(inner.minValue), max: bound(inner.maxValue), whole: inner.isInt }];
  });
}

describe('bounded settings name their real limits', () => {
  it.each([
    ['SEND_RATE_PER_SECOND', '100000', 'must be a number above 0 and at most 10000'],
    ['SEND_RATE_PER_SECOND', '0', 'must be a number above 0 and at most 10000'],
    ['SEND_RATE_PER_SECOND', 'fast', 'must be a number above 0 and at most 10000'],
    ['WORKER_CONCURRENCY', '500', 'must be a whole number from 1 to 100'],
    ['WORKER_CONCURRENCY', '0.5', 'must be a whole number from 1 to 100'],
    ['DIGEST_BATCH_SIZE', '5000', 'must be a whole number from 1 to 1000'],
    ['API_CACHE_SECONDS', '7200', 'must be a whole number from 0 to 3600'],
    ['PORT', '70000', 'must be a whole number from 1 to 65535'],
    ['PORT', 'eighty', 'must be a whole number from 1 to 65535'],
    ['WORKER_METRICS_PORT', '-1', 'must be a whole number from 0 to 65535'],
    ['SIGNUP_RATE_LIMIT_PER_IP', '0', 'must be a whole number 1 or more'],
    ['SIGNUP_RATE_LIMIT_PER_ADDRESS', '2.5', 'must be a whole number 1 or more'],
    ['SIGNUP_RATE_LIMIT_WINDOW_MINUTES', 'hourly', 'must be a whole number 1 or more'],
    ['FEEDS_PER_PARTNER', '0', 'must be a whole number 1 or more'],
    ['RECIPIENTS_PER_FEED', '-5', 'must be a whole number 1 or more'],
    ['PARTNER_RATE_LIMIT_PER_MINUTE', '0', 'must be a whole number 1 or more'],
    ['DIGEST_STALE_CLAIM_SECONDS', '0', 'must be a whole number 1 or more'],
    ['HARD_BOUNCE_LIMIT', '0', 'must be a whole number 1 or more'],
    ['PENDING_EXPIRY_DAYS', '3', 'must be 0 (keep them) or a whole number of at least 7: a confirmation link works that long'],
    ['PENDING_EXPIRY_DAYS', '-1', 'must be 0 (keep them) or a whole number of at least 7: a confirmation link works that long'],
    ['ADMIN_TOKEN', 'short', 'must be at least 16 characters'],
    ['METRICS_TOKEN', 'short', 'must be at least 16 characters'],
    ['BOUNCE_WEBHOOK_SECRET', 'short', 'must be at least 16 characters'],
    ['TOKEN_SECRET', 'x'.repeat(31), 'must be at least 32 characters'],
    ['MAIL_FROM', 'ab', 'must be at least 3 characters'],
    ['HOST', ' ', 'must not be empty'],
    ['DATA_DIR', ' ', 'must not be empty'],
  ])('%s=%s says "%s", once', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([`${name}: ${message}`]);
  });

  describe.each(numberSettings())('$name', ({ name, min, max, whole }) => {
    const limits = [min, max].filter((limit): limit is number => limit !== null).map(String);
    const wrong = [
      'not-a-number',
      ...(min !== null ? [String(min - 1)] : []),
      ...(max !== null ? [String(max + 1)] : []),
      ...(whole ? [String((min ?? 0) + 1.5)] : []),
    ];

    it.each(wrong)(`refuses %s with one line naming its limits (${limits.join(', ') || 'the rule'})`, (value) => {
      const problems = problemsOf({ [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}: must be `));
      for (const limit of limits) expect(problems[0]).toContain(limit);
      if (whole) expect(problems[0]).toContain('whole number');
    });
  });

  it('finds every number setting, so a new one is checked without being listed', () => {
    expect(numberSettings().map((setting) => setting.name)).toEqual(
      expect.arrayContaining(['PORT', 'SEND_RATE_PER_SECOND', 'WORKER_CONCURRENCY', 'DIGEST_BATCH_SIZE', 'API_CACHE_SECONDS', 'WORKER_METRICS_PORT', 'PENDING_EXPIRY_DAYS']),
    );
  });
});

