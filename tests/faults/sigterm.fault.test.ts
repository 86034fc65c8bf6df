import { describe, expect, it } from 'vitest';
import { faultFixture } from './support/fixture.js';
import { startCommand, startRedis } from './support/processes.js';
import { useRunBuild } from '../helpers/build.js';

// The worker and the API start from the run's build, as from the image.
useRunBuild();

const readers = 800;

describe('SIGTERM to a worker in the middle of a run', () => {
  it('finishes the work in flight, exits cleanly, and a new worker completes the run: nothing lost, nothing sent twice', async () => {
    const redis = await startRedis();
    const fixture = await faultFixture({ readers, redisUrl: redis.url });
    const first = startCommand(['worker'], fixture.env);
    await first.waitForLog('worker running');
    const run = await fixture.startRun();
    await fixture.waitForAccepted(0.3);

    first.child.kill('SIGTERM');
    expect(await first.exited, first.output().slice(-2000)).toBe(0);
    // Drained: no delivery is left claimed by the worker that stopped.
    expect(await fixture.deliveriesClaimed()).toBe(0);
    const acceptedAtStop = fixture.sink.accepted.length;
    expect(acceptedAtStop).toBeLessThan(readers);

    const second = startCommand(['worker'], fixture.env);
    await second.waitForLog('worker running');
    const settled = await fixture.waitForRun(run.id, 120_000);
    const outcome = await fixture.outcome();
    expect(settled).toMatchObject({ status: 'completed', sent: readers, failed: 0 });
    expect(outcome).toMatchObject({ lost: [], duplicated: [], resent: 0, unsent: 0 });
    fixture.report('SIGTERM worker', { readers, acceptedAtStop, sent: settled.sent, lost: 0, duplicated: 0, resends: 0 });
  });
});
