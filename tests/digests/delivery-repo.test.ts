import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { deliveries } from '../../src/db/schema/index.js';
import { claimDeliveries, deliveryStatuses, settleDeliveries, subscriberDeliveries } from '../../src/digests/delivery-repo.js';
import { createOrJoinRun } from '../../src/digests/run-repo.js';
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
