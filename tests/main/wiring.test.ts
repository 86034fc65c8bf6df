import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { queueOf } from '../../src/jobs/types.js';
import { jobHandlers, schedules, type Wiring } from '../../src/main/wiring.js';

describe('the table of job handlers', () => {
  it('has a handler for every job the queues carry', () => {
    const handlers = jobHandlers({ digests: {}, subscriberMail: {}, harvest: {} } as unknown as Wiring);
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(queueOf).sort());
  });
});

describe('the schedules', () => {
  it('are the weekly run on DIGEST_CRON, the expiry of sign-ups at 03:20, the harvest on HARVEST_CRON and the daily alert pass on ALERT_CRON, each in DIGEST_TZ under a fixed id', () => {
    const config = loadConfig({ DIGEST_CRON: '0 7 * * 1', HARVEST_CRON: '30 4 * * *', ALERT_CRON: '15 7 * * *', DIGEST_TZ: 'Europe/Dublin' });
    expect(schedules(config)).toEqual([
      { id: 'weekly-digest', repeat: { pattern: '0 7 * * 1', tz: 'Europe/Dublin' }, job: { name: 'digest-run', data: { trigger: 'schedule' } } },
      { id: 'pending-expiry', repeat: { pattern: '20 3 * * *', tz: 'Europe/Dublin' }, job: { name: 'pending-expiry', data: { trigger: 'schedule' } } },
      { id: 'nightly-harvest', repeat: { pattern: '30 4 * * *', tz: 'Europe/Dublin' }, job: { name: 'harvest-nightly', data: { trigger: 'schedule' } } },
      { id: 'daily-alerts', repeat: { pattern: '15 7 * * *', tz: 'Europe/Dublin' }, job: { name: 'alert-pass', data: { trigger: 'schedule' } } },
    ]);
    expect(schedules(loadConfig({ ALERTS_ENABLED: 'false' })).map((schedule) => schedule.id)).toEqual(['weekly-digest', 'pending-expiry', 'nightly-harvest']);
  });
});
