import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alertMails } from '../../src/db/schema/index.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { createLogger } from '../../src/logger.js';
import { importRecords } from '../../src/meetings/import.js';
import { faultFixture } from './support/fixture.js';
import { startCommand, startRedis } from './support/processes.js';
import { tally } from './support/sink.js';
import { useRunBuild } from '../helpers/build.js';

// The worker starts from the run's build, as from the image.
useRunBuild();

const readers = 2500;
const concurrency = 4;

describe('a worker killed with SIGKILL in the middle of an alert batch', () => {
  it('leaves every follower with one alert for the meeting once a worker is started again; each job in flight resends at most one, with the same Message-ID', async () => {
    const redis = await startRedis();
    const fixture = await faultFixture({ readers, redisUrl: redis.url, env: { WORKER_CONCURRENCY: String(concurrency) } });
    const { db } = fixture.database;
    // A planning application every reader follows, on an agenda published for ten days from now.
    const [meeting] = await importRecords(db, [
      {
        council: 'Hertfordshire County Council',
        committee: 'Development Control Committee',
        status: 'scheduled',
        startsAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        location: 'County Hall, Hertford',
        sections: [{ heading: 'Land at Station Road, Hertford: 25/00912/FULM', blocks: [{ type: 'paragraph', text: 'Fifty homes and a school drop-off.' }] }],
      },
    ]);
    await db.execute(sql`
      insert into follows (subscriber_id, kind, value, label)
      select id, 'reference', '25/00912/FULM', 'Land at Station Road, Hertford' from subscribers where email like 'reader-%'`);

    const kills: { accepted: number; claimed: number }[] = [];
    const claimed = async () => (await db.select({ n: count() }).from(alertMails).where(eq(alertMails.status, 'claimed')))[0]!.n;
    let worker = startCommand(['worker'], fixture.env);
    await worker.waitForLog('worker running', 120_000);
    const queue = createBullQueue({ url: redis.url, prefix: fixture.env.QUEUE_PREFIX!, logger: createLogger({ level: 'silent' }) });
    await queue.add({ name: 'alert-pass', data: { trigger: 'api', meetingIds: [meeting!.id] }, jobId: 'alert-pass-fault' });
    await queue.close();

    for (const fraction of [0.3, 0.6]) {
      // A loaded machine (the fault tests share two cores) sends slowly: the wait is generous, the assertions are not.
      await fixture.waitForAccepted(fraction, 240_000);
      worker.child.kill('SIGKILL');
      await worker.exited;
      kills.push({ accepted: fixture.sink.accepted.length, claimed: await claimed() });
      worker = startCommand(['worker'], fixture.env);
      await worker.waitForLog('worker running', 120_000);
    }

    const deadline = Date.now() + 400_000;
    for (;;) {
      const [row] = await db.select({ sent: count() }).from(alertMails).where(eq(alertMails.status, 'sent'));
      if (row!.sent >= readers) break;
      if (Date.now() > deadline) throw new Error(`only ${row!.sent} of ${readers} alert mails sent: ${worker.output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const outcome = tally(fixture.sink.accepted, fixture.emails);
    const [mails] = await db.select({ total: count() }).from(alertMails);
    expect(mails!.total).toBe(readers);
    expect(outcome.lost).toEqual([]);
    // No reader has two different alerts (two Message-IDs) for the meeting.
    expect(outcome.duplicated).toEqual([]);
    expect(outcome.unexpected).toEqual([]);
    expect(fixture.sink.accepted.every((mail) => /^<alert\./.test(mail.messageId))).toBe(true);
    // The digests' bound: a resend is only possible for a send accepted and not yet noted when the worker died.
    expect(outcome.resent).toBeLessThanOrEqual(concurrency * kills.length);
    expect(kills.every((kill) => kill.accepted < readers)).toBe(true);
    fixture.report('kill -9 worker during alerts', { readers, kills: kills.length, claimedAtKills: kills.map((kill) => kill.claimed), sent: readers, lost: 0, duplicated: 0, sameIdResends: outcome.resent, bound: concurrency * kills.length });
  }, 900_000);
});
