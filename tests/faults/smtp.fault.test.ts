import { describe, expect, it } from 'vitest';
import { faultFixture } from './support/fixture.js';
import { startCommand, startRedis } from './support/processes.js';
import { useRunBuild } from '../helpers/build.js';

// The worker and the API start from the run's build, as from the image.
useRunBuild();

const readers = 400;

describe('an SMTP server that refuses messages', () => {
  it('refusing 1 in 7 with 451: every digest is delivered once, with a bounded number of retries', async () => {
    const redis = await startRedis();
    const fixture = await faultFixture({
      readers,
      redisUrl: redis.url,
      sink: { refuseMessage: (attempt) => (attempt % 7 === 6 ? { code: 451, message: 'try again later' } : undefined) },
    });
    const worker = startCommand(['worker'], fixture.env);
    await worker.waitForLog('worker running');
    const settled = await fixture.waitForRun((await fixture.startRun()).id, 120_000);
    const outcome = await fixture.outcome();
    const { dataAttempts, refusedMessages } = fixture.sink.stats();

    expect(settled).toMatchObject({ status: 'completed', sent: readers, failed: 0 });
    expect(outcome).toMatchObject({ lost: [], duplicated: [], resent: 0, unsent: 0 });
    expect(refusedMessages).toBeGreaterThanOrEqual(Math.floor(readers / 7));
    // Each refusal costs one more attempt, no more: nothing is sent again once accepted.
    expect(dataAttempts).toBe(readers + refusedMessages);
    expect(dataAttempts).toBeLessThan(readers * 1.25);
    fixture.report('SMTP 451 one in seven', { readers, refused451: refusedMessages, smtpAttempts: dataAttempts, sent: settled.sent, lost: 0, duplicated: 0 });
  });

  it('answering 550 for some addresses: those deliveries fail once and are never retried; the rest are delivered once', async () => {
    const redis = await startRedis();
    const refused = (address: string) => /^reader-\d*3@/.test(address);
    const fixture = await faultFixture({
      readers,
      redisUrl: redis.url,
      sink: { refuseRecipient: (address) => (refused(address) ? { code: 550, message: 'no such user' } : undefined) },
    });
    const worker = startCommand(['worker'], fixture.env);
    await worker.waitForLog('worker running');
    const settled = await fixture.waitForRun((await fixture.startRun()).id, 120_000);
    const refusedReaders = fixture.emails.filter(refused);
    const outcome = await fixture.outcome();

    expect(settled).toMatchObject({ status: 'completed', sent: readers - refusedReaders.length, failed: refusedReaders.length });
    expect(outcome.lost.sort()).toEqual([...refusedReaders].sort());
    expect(outcome).toMatchObject({ duplicated: [], resent: 0, deliveries: { sent: readers - refusedReaders.length, failed: refusedReaders.length } });
    // One RCPT TO per refused address: a permanent refusal is not retried.
    expect(fixture.sink.refusedRecipients.sort()).toEqual([...refusedReaders].sort());
    fixture.report('SMTP 550 for some addresses', { readers, refused550: refusedReaders.length, rcptAttemptsForRefused: fixture.sink.refusedRecipients.length, sent: settled.sent, lost: 0, duplicated: 0 });
  });
});
