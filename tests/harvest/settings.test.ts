import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { problemsOf } from '../helpers/config.js';

describe('harvest settings', () => {
  it('default to a nightly harvest at 05:00 that pauses 250 ms between requests, waits 30 s for an answer of at most 10 MB, and expires after two hours', () => {
    expect(loadConfig({})).toMatchObject({ HARVEST_CRON: '0 5 * * *', HARVEST_PAUSE_MS: 250, HARVEST_TIMEOUT_SECONDS: 30, HARVEST_RETRIES: 3, HARVEST_MAX_ANSWER_MB: 10, HARVEST_BUDGET_MINUTES: 120 });
  });

  it('refuse values out of range, naming the real limits', () => {
    expect(problemsOf({ HARVEST_CRON: 'nightly', HARVEST_PAUSE_MS: '100000', HARVEST_TIMEOUT_SECONDS: '0', HARVEST_RETRIES: 'lots', HARVEST_MAX_ANSWER_MB: '0', HARVEST_BUDGET_MINUTES: '5' })).toEqual([
      'HARVEST_CRON: must be a five-field cron expression such as "0 5 * * *"',
      'HARVEST_PAUSE_MS: must be a whole number from 0 to 60000',
      'HARVEST_TIMEOUT_SECONDS: must be a whole number from 1 to 600',
      'HARVEST_RETRIES: must be a whole number from 0 to 10',
      'HARVEST_MAX_ANSWER_MB: must be a whole number from 1 to 100',
      'HARVEST_BUDGET_MINUTES: must be a whole number from 10 to 1440',
    ]);
  });
});
