import { describe, expect, it } from 'vitest';
import { faultFixture } from './support/fixture.js';
import { startCommand, startRedis } from './support/processes.js';
import { useRunBuild } from '../helpers/build.js';

// The worker and the API start from the run's build, as from the image.
useRunBuild();

const readers = 2500;
const concurrency = 4;

describe('a worker killed with SIGKILL in the middle of a run', () => {
  it('leaves every subscriber with exactly one digest once a worker is started again; each job in flight resends at most one, with the same Message-ID', async () => {
    const redis = await startRedis();
    const fixture = await faultFixture({ readers, redisUrl: redis.url, env: { WORKER_CONCURRENCY: String(concurrency) } });
    const kills: { accepted: number; claimed: number }[] = [];
    let worker = startCommand(['worker'], fixture.env);
    await worker.waitForLog('worker running');
    const run = await fixture.startRun();

    for (const fraction of [0.3, 0.6]) {
      await fixture.waitForAccepted(fraction);
      worker.child.kill('SIGKILL');
      await worker.exited;
      kills.push({ accepted: fixture.sink.accepted.length, claimed: await fixture.deliveriesClaimed() });
      worker = startCommand(['worker'], fixture.env);
      await worker.waitForLog('worker running');
    }

    const settled = await fixture.waitForRun(run.id, 240_000);
    const outcome = await fixture.outcome();
    expect(settled, worker.output().slice(-2000)).toMatchObject({ status: 'completed', total: readers, sent: readers, failed: 0, skipped: 0 });
    expect(outcome.lost).toEqual([]);
    expect(outcome.duplicated).toEqual([]);
    expect(outcome.unexpected).toEqual([]);
    expect(outcome.unsent).toBe(0);
    // A resend is only possible for a send accepted and not yet written down when the worker died: at most one per job in flight.
    expect(outcome.resent).toBeLessThanOrEqual(concurrency * kills.length);
    expect(kills.every((kill) => kill.accepted < readers)).toBe(true);
    fixture.report('kill -9 worker', { readers, kills: kills.length, claimedAtKills: kills.map((kill) => kill.claimed), sent: settled.sent, lost: 0, duplicated: 0, sameIdResends: outcome.resent, bound: concurrency * kills.length });
  });
});
