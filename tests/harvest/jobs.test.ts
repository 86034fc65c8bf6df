import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { createSource, listHarvests, updateSource } from '../../src/harvest/repo.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import { createLogger } from '../../src/logger.js';
import { nightlyHarvestScheduleId, startWork } from '../../src/main/wiring.js';
import { wireForTest } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, type ModernGovSite } from '../helpers/moderngov-site.js';
import { redisPrefix, testRedisUrl } from '../helpers/redis.js';

const prefix = redisPrefix();
const logger = createLogger({ level: 'silent' });
let database: Database;
let site: ModernGovSite;

beforeAll(async () => {
  database = await createTestDatabase();
  site = await startModernGovSite();
});
afterAll(() => site.close());

describe('the nightly harvest', () => {
  it('is one BullMQ job scheduler on HARVEST_CRON in DIGEST_TZ, however many workers start', async () => {
    const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: testRedisUrl, QUEUE_PREFIX: prefix, HARVEST_CRON: '30 4 * * *', LOG_LEVEL: 'silent' });
    const workers = [createBullQueue({ url: testRedisUrl, prefix, logger }), createBullQueue({ url: testRedisUrl, prefix, logger })];
    const inspect = new Queue('harvests', { connection: { url: testRedisUrl }, prefix });
    try {
      for (const queue of workers) await startWork(await wireForTest(config, database, { queue }), { groups: ['harvests'], schedule: true });
      const schedulers = await inspect.getJobSchedulers();
      expect(schedulers).toEqual([expect.objectContaining({ key: nightlyHarvestScheduleId, pattern: '30 4 * * *', tz: 'Europe/London' })]);
    } finally {
      await Promise.all(workers.map((queue) => queue.close()));
      await inspect.close();
    }
  });

  it('harvests every enabled source, and skips a disabled one, when it fires in a process without Redis', async () => {
    const enabled = await createSource(database.db, { council: 'Enabled Borough Council', kind: 'moderngov', url: site.url });
    const disabled = await createSource(database.db, { council: 'Disabled Borough Council', kind: 'moderngov', url: site.url });
    await updateSource(database.db, disabled.id, { enabled: false });
    const config = loadConfig({ DATABASE_URL: database.url, HARVEST_PAUSE_MS: '0', LOG_LEVEL: 'silent' });
    const queue = createInlineQueue({ logger });
    try {
      await startWork(await wireForTest(config, database, { queue }), { groups: ['harvests'], schedule: true });
      await queue.add({ name: 'harvest-nightly', data: { trigger: 'schedule' }, jobId: 'nightly-now' });
      for (let tries = 0; tries < 200; tries += 1) {
        const [latest] = await listHarvests(database.db, { sourceId: enabled.id, limit: 1 });
        if (latest && (latest.status === 'finished' || latest.status === 'failed')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [harvest] = await listHarvests(database.db, { sourceId: enabled.id, limit: 1 });
      expect(harvest).toMatchObject({ status: 'finished', trigger: 'schedule' });
      expect(await listHarvests(database.db, { sourceId: disabled.id, limit: 1 })).toEqual([]);
      // The default window is about today: the recorded 2025 meetings fall outside it, unfetched.
      expect(harvest).toMatchObject({ from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), skipped: 7, created: 0 });
      expect(site.requests.filter((request) => request.key.startsWith('GetMeeting:'))).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
