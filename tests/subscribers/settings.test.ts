import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { problemsOf } from '../helpers/config.js';

describe('sign-up limit settings', () => {
  it('default to 20 sign-ups per IP and 3 mails per address an hour', () => {
    expect(loadConfig({})).toMatchObject({ SIGNUP_RATE_LIMIT_PER_IP: 20, SIGNUP_RATE_LIMIT_PER_ADDRESS: 3, SIGNUP_RATE_LIMIT_WINDOW_MINUTES: 60 });
  });

  it('refuse values that are not positive whole numbers, one line each', () => {
    expect(problemsOf({ SIGNUP_RATE_LIMIT_PER_IP: 'many', SIGNUP_RATE_LIMIT_WINDOW_MINUTES: '0' })).toEqual([
      'SIGNUP_RATE_LIMIT_PER_IP: must be a whole number 1 or more',
      'SIGNUP_RATE_LIMIT_WINDOW_MINUTES: must be a whole number 1 or more',
    ]);
  });
});
