import { describe, expect, it } from 'vitest';
import { faultFixture } from './support/fixture.js';
import { startCommand, startPostgres, startRedis } from './support/processes.js';
import { useRunBuild } from '../helpers/build.js';

// The worker and the API start from the run's build, as from the image.
useRunBuild();

const readers = 800;

describe('a service restarted in the middle of a run', () => {
  it('Redis: the run completes with nothing lost or duplicated', async () => {
    const redis = await startRedis();
    const fixture = await faultFixture({ readers, redisUrl: redis.url });
    const worker = startCommand(['worker'], fixture.env);
    await worker.waitForLog('worker running');
    const run = await fixture.startRun();
    await fixture.waitForAccepted(0.3);
    const acceptedAtRestart = fixture.sink.accepted.length;
    await redis.restart();

    const settled = await fixture.waitForRun(run.id, 150_000);
    const outcome = await fixture.outcome();
    expect(settled, worker.output().slice(-2000)).toMatchObject({ status: 'completed', sent: readers, failed: 0 });
    expect(outcome).toMatchObject({ lost: [], duplicated: [], unsent: 0 });
    fixture.report('Redis restart', { readers, acceptedAtRestart, sent: settled.sent, lost: 0, duplicated: 0, sameIdResends: outcome.resent });
  });

  it('Postgres: the run completes with nothing lost or duplicated; a resend, if any, repeats the Message-ID', async () => {
    const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    const fixture = await faultFixture({ readers, redisUrl: redis.url, clusterUrl: postgres.url });
    const worker = startCommand(['worker'], fixture.env);
    await worker.waitForLog('worker running');
    const run = await fixture.startRun();
    await fixture.waitForAccepted(0.3);
    const acceptedAtRestart = fixture.sink.accepted.length;
    await postgres.restart();

    const settled = await fixture.waitForRun(run.id, 150_000);
    const outcome = await fixture.outcome();
    expect(settled, worker.output().slice(-2000)).toMatchObject({ status: 'completed', sent: readers, failed: 0 });
    expect(outcome).toMatchObject({ lost: [], duplicated: [], unsent: 0 });
    fixture.report('Postgres restart', { readers, acceptedAtRestart, sent: settled.sent, lost: 0, duplicated: 0, sameIdResends: outcome.resent });
  });
});
