import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
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
