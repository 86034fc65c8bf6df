import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { digestRuns, parkedBatches, subscribers } from '../../src/db/schema/index.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { tokenSecret } from '../helpers/app.js';
import { freePort } from '../faults/support/processes.js';
import { cliBin, runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/db.js';
import { startSmtpSink } from '../helpers/smtp.js';
import { addSubscriber, addSubscribers } from '../helpers/subscribers.js';
import { fixture } from '../inbound/support.js';

let database: Database;

function environment(extra: Record<string, string> = {}) {
  const { REDIS_URL: _redis, ...env } = process.env;
  return { ...env, DATABASE_URL: database.url, TOKEN_SECRET: tokenSecret, NODE_ENV: 'test', LOG_LEVEL: 'info', MAIL_FROM: 'Council Digest <digest@example.org>', ...extra };
}

const cli = (args: string[]) => runCli(args, environment({ LOG_LEVEL: 'warn' }));

beforeAll(async () => {
  database = await createTestDatabase();
});

describe('council-digest inbound', () => {
  it('takes a mailed unsubscribe over real SMTP, and stops cleanly on SIGTERM', async () => {
    const subscriber = await addSubscriber(database.db, { email: 'leaving@example.org' });
    const url = subscriberLinks('https://digest.example.org', tokenSecret, subscriber).unsubscribe();
    const port = await freePort();
    const child = spawn(process.execPath, [cliBin(), 'inbound'], { env: environment({ INBOUND_SMTP_PORT: String(port), INBOUND_METRICS_PORT: '0', BOUNCE_DOMAIN: 'bounces.example.org' }) });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      for (let tries = 0; !output.includes('inbound SMTP server listening'); tries += 1) {
        if (tries > 300) throw new Error(`inbound did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true });
      await transport.sendMail({ envelope: { from: 'leaving@example.org', to: ['unsubscribe@example.org'] }, raw: fixture('mailto-unsubscribe.eml', { recipient: 'leaving@example.org', unsubscribeToken: url.slice(url.lastIndexOf('/') + 1) }) });
      await expect(transport.sendMail({ envelope: { from: 'a@example.net', to: ['someone@elsewhere.example'] }, raw: 'Subject: relay?\r\n\r\nno\r\n' })).rejects.toMatchObject({ responseCode: 550 });
      const [row] = await database.db.select().from(subscribers).where(eq(subscribers.id, subscriber.id));
      expect(row!.status).toBe('unsubscribed');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe('council-digest serve with SERVE_INBOUND', () => {
  it('runs the inbound SMTP server beside the API', async () => {
    const [port, smtpPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [cliBin(), 'serve'], {
      env: environment({ PORT: String(port), SERVE_INBOUND: 'true', INBOUND_SMTP_PORT: String(smtpPort), SMTP_URL: 'smtp://127.0.0.1:9', ADMIN_TOKEN: 'serve-inbound-admin-token' }),
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      for (let tries = 0; !output.includes('council-digest API listening'); tries += 1) {
        if (tries > 400) throw new Error(`serve did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(output).toContain('inbound SMTP server listening');
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
      const info = await transport.sendMail({ envelope: { from: 'x@example.net', to: ['unsubscribe@example.org'] }, raw: 'Subject: hello\r\n\r\nno token here\r\n' });
      expect(info.accepted).toEqual(['unsubscribe@example.org']);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

// Each step starts the real command, a process of its own (several seconds each on a busy 2-core machine).
describe('council-digest digest resume | cancel', { timeout: 120_000 }, () => {
  it('leaves a run that paused itself in `digest run` resumable by `digest resume` in another process, each recipient mailed once', async () => {
    await seedDatabase(database.db);
    const readers = await addSubscribers(database.db, 30, {}, 'pausing.example.org');
    const refused = new Set(readers.slice(3, 6).map((reader) => reader.email!));
    const smtp = await startSmtpSink({ rejectRecipient: (address) => (refused.has(address) ? { code: 550, message: '5.1.1 no such user' } : undefined) });
    const settings = { SMTP_URL: smtp.url, DIGEST_BATCH_SIZE: '3', WORKER_CONCURRENCY: '1', RUN_PAUSE_MIN_SENDS: '5', LOG_LEVEL: 'warn' };
    const run = await runCli(['digest', 'run', '--week', '2025-09-08', '--force'], environment(settings));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/2025-09-08\s+paused/);
    expect(run.stdout).toMatch(/Paused: hard-bounce rate [\d.]+% \(3 of \d+ sent\) is past RUN_BOUNCE_PAUSE_RATE 5%/);
    const [paused] = await database.db.select().from(digestRuns).where(eq(digestRuns.week, '2025-09-08'));
    expect((await database.db.select().from(parkedBatches).where(eq(parkedBatches.runId, paused!.id))).length).toBeGreaterThan(0);
    const sentBefore = smtp.messages.length;
    expect(sentBefore).toBeLessThan(27);

    const resumed = await runCli(['digest', 'resume', String(paused!.id)], environment(settings));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/2025-09-08\s+completed\s+30\s+27\s+0\s+3/);
    for (const reader of readers) expect(smtp.to(reader.email!), reader.email!).toHaveLength(refused.has(reader.email!) ? 0 : 1);
  });

  it('resumes a paused run and cancels an unfinished one, saying why when there is nothing to do', async () => {
    const [paused] = await database.db
      .insert(digestRuns)
      .values({ week: '2025-06-02', trigger: 'api', status: 'paused', pausedReason: 'complaint rate 1% (5 of 500 sent) is past RUN_COMPLAINT_PAUSE_RATE 0.3%', fannedOutAt: new Date(), startedAt: new Date() })
      .returning();
    const status = await cli(['digest', 'status', String(paused!.id)]);
    expect(status.stdout).toContain('Paused: complaint rate 1% (5 of 500 sent)');
    const resumed = await cli(['digest', 'resume', String(paused!.id)]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Resumed run ${paused!.id}: 0 held-back recipients queued again.`);
    expect(resumed.stdout).toMatch(/2025-06-02\s+completed/);
    const again = await cli(['digest', 'resume', String(paused!.id)]);
    expect(again).toMatchObject({ code: 1, stderr: `Run ${paused!.id} is completed: nothing to resume.\n` });

    const [sending] = await database.db.insert(digestRuns).values({ week: '2025-09-15', trigger: 'api', status: 'sending', total: 10 }).returning();
    const cancelled = await cli(['digest', 'cancel', String(sending!.id)]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/2025-09-15\s+cancelled/);
    expect((await cli(['digest', 'cancel', '999999'])).stderr).toBe('No digest run 999999.\n');
  });
});
