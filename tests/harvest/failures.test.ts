import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { harvestProcessors } from '../../src/harvest/processors.js';
import { createSource, findHarvest, findSource, markRunning, queueHarvest } from '../../src/harvest/repo.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../helpers/db.js';

const window = { from: '2025-06-01', to: '2025-06-30' };
const logger = createLogger({ level: 'silent' });
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});

describe('a harvest that cannot end by itself', () => {
  it('is marked failed, with the reason, when its job throws', async () => {
    const source = await createSource(database.db, { council: 'Throwing Borough Council', kind: 'moderngov', url: 'http://127.0.0.1:9/moderngov' });
    const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
    const processors = harvestProcessors({
      db: database.db,
      logger,
      userAgent: 'council-digest (test)',
      // A fault the harvest does not expect: its clock breaks.
      now: () => {
        throw new Error('the clock broke');
      },
      queue: createInlineQueue({ logger }),
      zone: 'Europe/London',
    });
    expect(await processors['harvest-source']({ harvestId: id }, { attempt: 1, lastAttempt: false })).toEqual({ sent: 0, skipped: 0, failed: 1 });
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
