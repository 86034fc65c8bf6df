import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { harvestSource, settleFailedHarvestJob } from '../../src/harvest/processors.js';
import { createSource, findHarvest, findSource, markRunning, queueHarvest } from '../../src/harvest/repo.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import type { JobQueue } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../helpers/db.js';
import { redisPrefix, testRedisUrl } from '../helpers/redis.js';

const window = { from: '2025-06-01', to: '2025-06-30' };
const logger = createLogger({ level: 'silent' });
const prefix = redisPrefix();
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});

describe('a harvest that cannot end by itself', () => {
  it('is marked failed, with the reason, when its job throws', async () => {
    const source = await createSource(database.db, { council: 'Throwing Borough Council', kind: 'moderngov', url: 'http://127.0.0.1:9/moderngov' });
    const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
    const deps = {
      db: database.db,
      logger,
      userAgent: 'council-digest (test)',
      // A fault the harvest does not expect: its clock breaks.
      now: () => {
        throw new Error('the clock broke');
      },
    };
    expect(await harvestSource(deps, { harvestId: id })).toEqual({ sent: 0, skipped: 0, failed: 1 });
    expect(await findHarvest(database.db, id)).toMatchObject({ status: 'failed', errors: [{ message: 'The harvest ended: its job failed: the clock broke' }], finishedAt: expect.any(Date) });
    expect((await findSource(database.db, source.id))!.consecutiveFailures).toBe(1);
    // The next request starts a new harvest rather than joining the failed one.
    expect(await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' })).toMatchObject({ joined: false });
  });

  it('is expired once running longer than its budget, and a new request starts a new harvest rather than joining it', async () => {
    const source = await createSource(database.db, { council: 'Stuck District Council', kind: 'moderngov', url: 'http://127.0.0.1:9/moderngov' });
    const stuck = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'schedule' });
    await markRunning(database.db, stuck.id, new Date(Date.now() - 30 * 60_000));
    expect(await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'api', budgetMinutes: 120 })).toEqual({ id: stuck.id, joined: true });
    await database.db.execute(sql`update harvests set started_at = now() - interval '121 minutes' where id = ${stuck.id}`);
    const fresh = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'schedule', budgetMinutes: 120 });
    expect(fresh.joined).toBe(false);
    expect(fresh.id).not.toBe(stuck.id);
    expect(await findHarvest(database.db, stuck.id)).toMatchObject({ status: 'failed', errors: [{ message: 'The harvest ended: expired after 120 minutes' }] });
    expect(await findHarvest(database.db, fresh.id)).toMatchObject({ status: 'queued' });
  });
});

describe('a harvest job that fails for good without settling its harvest', () => {
  /** Works harvest jobs whose processor dies at once, with the give-up hook main/wiring.ts installs for harvests; answers the harvest once settled. */
  async function giveUpOn(queue: JobQueue, council: string) {
    const source = await createSource(database.db, { council, kind: 'moderngov', url: 'http://127.0.0.1:9/moderngov' });
    const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
    await markRunning(database.db, id, new Date());
    try {
      const dies = async () => {
        throw new Error('worker out of memory');
      };
      await queue.work({ 'harvest-nightly': dies, 'harvest-source': dies }, { concurrency: 1, onGiveUp: settleFailedHarvestJob(database.db) });
      await queue.add({ name: 'harvest-source', data: { harvestId: id }, jobId: `harvest-${id}` });
      for (let tries = 0; tries < 200; tries += 1) {
        const harvest = await findHarvest(database.db, id);
        if (harvest!.status === 'failed') return harvest;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the harvest was never settled');
    } finally {
      await queue.close();
    }
  }

  it('is marked failed by the in-process queue once its last attempt fails', async () => {
    const harvest = await giveUpOn(createInlineQueue({ logger, retry: { attempts: 2, backoffMs: 5 } }), 'Inline Borough Council');
    expect(harvest!.errors).toEqual([{ message: 'The harvest ended: its job failed: worker out of memory' }]);
  });

  it('is marked failed by BullMQ\'s failed handling once its last attempt fails', async () => {
    const harvest = await giveUpOn(createBullQueue({ url: testRedisUrl, prefix, logger, retry: { attempts: 2, backoffMs: 5 } }), 'Bull Borough Council');
    expect(harvest!.errors).toEqual([{ message: 'The harvest ended: its job failed: worker out of memory' }]);
  });
});
