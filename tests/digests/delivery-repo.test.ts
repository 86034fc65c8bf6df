import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { deliveries, digestRuns } from '../../src/db/schema/index.js';
import { claimDeliveries, countSettled, deliveryStatuses, settleDeliveries, subscriberDeliveries } from '../../src/digests/delivery-repo.js';
import { addRunCounts, createOrJoinRun, findRun } from '../../src/digests/run-repo.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscribers } from '../helpers/subscribers.js';

const week = '2025-09-08';
let database: Database;
let runId: number;
let ids: number[];

beforeAll(async () => {
  database = await createTestDatabase();
  ids = (await addSubscribers(database.db, 6)).map((row) => row.id);
  runId = (await createOrJoinRun(database.db, { week, dryRun: false, trigger: 'cli' })).run.id;
});

const recipients = (some: number[]) => some.map((id) => ({ recipientId: id, feedId: null, messageId: `<digest.${id}.${week}@example.org>` }));
const claim = (some: number[], staleBefore = new Date(Date.now() - 300_000)) =>
  claimDeliveries(database.db, subscriberDeliveries, { runId, week, staleBefore, recipients: recipients(some) });
const statusOf = async (id: number) => (await deliveryStatuses(database.db, subscriberDeliveries, [id], week)).get(id);

describe('claiming a group of deliveries', () => {
  it('takes new rows and released ones, leaves settled rows and live claims, and takes over stale claims', async () => {
    const [a, b, c, d, e, f] = ids as [number, number, number, number, number, number];
    const first = await claim([a, b, c, d, e]);
    expect(first.map((row) => row.recipientId).sort()).toEqual([a, b, c, d, e].sort());
    expect(first.find((row) => row.recipientId === a)?.messageId).toBe(`<digest.${a}.${week}@example.org>`);

    const byRecipient = new Map(first.map((row) => [row.recipientId, row.id]));
    await settleDeliveries(database.db, subscriberDeliveries, [
      { id: byRecipient.get(a)!, status: 'sent', subject: 'Cabinet, 10 Sep', meetings: 1, sections: 2, carried: [] },
      { id: byRecipient.get(b)!, status: 'skipped', reason: 'nothing matched this week' },
      { id: byRecipient.get(c)!, status: 'retry', reason: '451 try later' },
      // d stays claimed by a live attempt; e's attempt died long ago.
    ]);
    await database.db.execute(sql`update deliveries set claimed_at = now() - interval '1 hour' where subscriber_id = ${e}`);

    const second = await claim([a, b, c, d, e, f]);
    expect(second.map((row) => row.recipientId).sort()).toEqual([c, e, f].sort());
    expect(await statusOf(a)).toBe('sent');
    expect(await statusOf(b)).toBe('skipped');
    expect(await statusOf(d)).toBe('claimed');
    const [retried] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, c));
    expect(retried).toMatchObject({ status: 'claimed', attempts: 2, error: null });
    const [sent] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, a));
    expect(sent).toMatchObject({ subject: 'Cabinet, 10 Sep', meetings: 1, sections: 2 });
    expect(sent!.sentAt).toBeInstanceOf(Date);
  });

  it('never lets two concurrent claims of the same group both win a row', async () => {
    const fresh = (await addSubscribers(database.db, 40, {}, 'race.example.org')).map((row) => row.id);
    const [one, two] = await Promise.all([claim(fresh), claim([...fresh].reverse())]);
    const won = [...one, ...two].map((row) => row.recipientId);
    expect(won.sort()).toEqual([...fresh].sort());
  });

  it('settles only rows still claimed: a row taken over by another attempt is left to it', async () => {
    const [row] = (await addSubscribers(database.db, 1, {}, 'late.example.org')).map((each) => each.id);
    const [mine] = await claim([row!]);
    await settleDeliveries(database.db, subscriberDeliveries, [{ id: mine!.id, status: 'sent', subject: 's', meetings: 1, sections: 1, carried: [] }]);
    await settleDeliveries(database.db, subscriberDeliveries, [{ id: mine!.id, status: 'failed', reason: 'a late duplicate settlement' }]);
    expect(await statusOf(row!)).toBe('sent');
  });
});

describe('counting what a batch settled', () => {
  /** A real run of its own week, fanned out to `total` recipients. */
  const sendingRun = async (weekOf: string, total: number) => {
    const { run } = await createOrJoinRun(database.db, { week: weekOf, dryRun: false, trigger: 'cli' });
    await database.db.update(digestRuns).set({ status: 'sending', total, fannedOutAt: new Date() }).where(eq(digestRuns.id, run.id));
    return run.id;
  };
  const settleAll = async (id: number, weekOf: string, people: number[], status: 'sent' | 'failed') => {
    const claims = await claimDeliveries(database.db, subscriberDeliveries, {
      runId: id,
      week: weekOf,
      staleBefore: new Date(Date.now() - 300_000),
      recipients: people.map((person) => ({ recipientId: person, feedId: null, messageId: `<digest.${person}.${weekOf}@example.org>` })),
    });
    await settleDeliveries(
      database.db,
      subscriberDeliveries,
      claims.map((each) => (status === 'sent' ? { id: each.id, status, subject: 's', meetings: 1, sections: 1, carried: [] } : { id: each.id, status, reason: '550 no such user' })),
    );
  };

  it('adds each settled delivery once and completes the run in the same statement when the batch is the last to settle', async () => {
    const people = (await addSubscribers(database.db, 4, {}, 'count.example.org')).map((row) => row.id);
    const id = await sendingRun('2025-09-15', 5);
    await settleAll(id, '2025-09-15', people.slice(0, 3), 'sent');
    await countSettled(database.db, subscriberDeliveries, id, people);
    await countSettled(database.db, subscriberDeliveries, id, people);
    expect(await findRun(database.db, id)).toMatchObject({ sent: 3, failed: 0, status: 'sending', finishedAt: null });

    await settleAll(id, '2025-09-15', people.slice(3), 'failed');
    await countSettled(database.db, subscriberDeliveries, id, people.slice(3));
    expect(await findRun(database.db, id)).toMatchObject({ sent: 3, failed: 1, status: 'sending' });
    // The fifth recipient vanished before the send: counted straight onto the run, which that completes.
    await addRunCounts(database.db, id, { sent: 0, skipped: 1, failed: 0 });
    const done = await findRun(database.db, id);
    expect(done).toMatchObject({ sent: 3, skipped: 1, failed: 1, status: 'completed' });
    expect(done!.finishedAt).toBeInstanceOf(Date);
  });

  it('leaves a paused run paused when its last batch settles: an operator resumes or cancels it', async () => {
    const people = (await addSubscribers(database.db, 2, {}, 'paused.example.org')).map((row) => row.id);
    const id = await sendingRun('2025-09-22', 2);
    await settleAll(id, '2025-09-22', people, 'sent');
    await database.db.update(digestRuns).set({ status: 'paused' }).where(eq(digestRuns.id, id));
    await countSettled(database.db, subscriberDeliveries, id, people);
    expect(await findRun(database.db, id)).toMatchObject({ sent: 2, status: 'paused', finishedAt: null });
  });
});
