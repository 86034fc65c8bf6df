import { describe, expect, it } from 'vitest';
import { createInlineQueue } from '../../src/jobs/inline.js';
import { MissingProcessorError, type JobContext, type DigestProcessors } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';

const logger = createLogger({ level: 'silent' });
const done = { sent: 0, skipped: 0, failed: 0 };
const work = { concurrency: 2 };

function processors(send: DigestProcessors['digest-send'], run: DigestProcessors['digest-run'] = async () => done): DigestProcessors {
  return { 'digest-run': run, 'digest-fan-out': async () => done, 'digest-send': send };
}

const sendJob = (jobId: string) => ({ name: 'digest-send' as const, data: { runId: 1, subscriberIds: [1] }, jobId });

async function until(condition: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the in-process job runner', () => {
  it('retries a failing job with exponential backoff, telling the processor its last attempt', async () => {
    const queue = createInlineQueue({ logger, retry: { attempts: 3, backoffMs: 20 } });
    const calls: (JobContext & { at: number })[] = [];
    await queue.work(
      processors(async (_data, context) => {
        calls.push({ ...context, at: Date.now() });
        throw new Error('421 try later');
      }),
      work,
    );
    await queue.add(sendJob('a'));
    await until(() => calls.length === 3);
    expect(calls.map(({ attempt, lastAttempt }) => ({ attempt, lastAttempt }))).toEqual([
      { attempt: 1, lastAttempt: false },
      { attempt: 2, lastAttempt: false },
      { attempt: 3, lastAttempt: true },
    ]);
    // 20 ms, then 40 ms: each wait at least doubles.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(19);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(39);
    await queue.close();
  });

  it('adds nothing for a job id it has already seen', async () => {
    const queue = createInlineQueue({ logger });
    let runs = 0;
    await queue.work(processors(async () => ((runs += 1), done)), work);
    await queue.addBulk([sendJob('same'), sendJob('same'), sendJob('other')]);
    await queue.add(sendJob('same'));
    await until(() => runs === 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(2);
    await queue.close();
  });

  it('retries a job with the data its failed attempt left for it', async () => {
    const queue = createInlineQueue({ logger, retry: { attempts: 3, backoffMs: 10 } });
    const seen: unknown[] = [];
    await queue.work(
      processors(async (data, context) => {
        seen.push(data);
        if (context.attempt > 1) return done;
        await context.retryWith!({ runId: 1, subscriberIds: [3] });
        throw new Error('two of three sent; one to retry');
      }),
      work,
    );
    await queue.add({ name: 'digest-send', data: { runId: 1, subscriberIds: [1, 2, 3] }, jobId: 'narrowed' });
    await until(() => seen.length === 2);
    expect(seen).toEqual([{ runId: 1, subscriberIds: [1, 2, 3] }, { runId: 1, subscriberIds: [3] }]);
    await queue.close();
  });

  it('repeats a scheduled job', async () => {
    const queue = createInlineQueue({ logger });
    let fired = 0;
    await queue.work(processors(async () => done, async () => ((fired += 1), done)), work);
    await queue.upsertScheduler('weekly-digest', { every: 20 }, { name: 'digest-run', data: { trigger: 'schedule' } });
    await until(() => fired >= 2);
    await queue.close();
  });

  it('lets the jobs in flight finish when closed', async () => {
    const queue = createInlineQueue({ logger });
    let started = false;
    let finished = false;
    await queue.work(
      processors(async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
        return done;
      }),
      work,
    );
    await queue.add(sendJob('slow'));
    await until(() => started);
    await queue.close();
    expect(finished).toBe(true);
  });

  it('works each group of jobs on its own: a group nobody works yet keeps its jobs waiting', async () => {
    const queue = createInlineQueue({ logger });
    const mailed: number[][] = [];
    await queue.work(processors(async () => done), work);
    await queue.add({ name: 'subscriber-mail', data: { emailIds: [1, 2] }, jobId: 'mail-1' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(mailed).toEqual([]);
    await queue.work(
      { 'subscriber-mail': async (data) => (mailed.push(data.emailIds), { ...done, sent: data.emailIds.length }), 'pending-expiry': async () => done },
      work,
    );
    await until(() => mailed.length === 1);
    expect(mailed).toEqual([[1, 2]]);
    await queue.close();
  });

  it('refuses to work a group twice in one process', async () => {
    const queue = createInlineQueue({ logger });
    await queue.work(processors(async () => done), work);
    await expect(queue.work(processors(async () => done), work)).rejects.toThrow(/Already working queue digest-runs, digest-sends/);
    await queue.close();
  });

  it('refuses processors that cover no job', async () => {
    await expect(createInlineQueue({ logger }).work({} as DigestProcessors, work)).rejects.toThrow(MissingProcessorError);
  });
});
