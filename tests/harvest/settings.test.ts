import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { problemsOf } from '../helpers/config.js';

describe('harvest settings', () => {
  it('default to a nightly harvest at 05:00 that pauses 250 ms between requests', () => {
    expect(loadConfig({})).toMatchObject({ HARVEST_CRON: '0 5 * * *', HARVEST_PAUSE_MS: 250, HARVEST_TIMEOUT_SECONDS: 90, HARVEST_RETRIES: 3 });
  });

  it('refuse values out of range, naming the real limits', () => {
    expect(problemsOf({ HARVEST_CRON: 'nightly', HARVEST_PAUSE_MS: '100000', HARVEST_TIMEOUT_SECONDS: '0', HARVEST_RETRIES: 'lots' })).toEqual([
      'HARVEST_CRON: must be a five-field cron expression such as "0 5 * * *"',
      'HARVEST_PAUSE_MS: must be a whole number from 0 to 60000',
      'HARVEST_TIMEOUT_SECONDS: must be a whole number from 1 to 600',
      'HARVEST_RETRIES: must be a whole number from 0 to 10',
    ]);
  });
});
