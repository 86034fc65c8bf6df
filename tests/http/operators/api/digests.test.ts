import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../../../src/db/client.js';
import { auditLog, digestRuns, subscribers, suppressions } from '../../../../src/db/schema/index.js';
import { createLogger } from '../../../../src/logger.js';
import { createMailer, type Mailer } from '../../../../src/mail/transport.js';
import { seedDatabase } from '../../../../src/harvest/seed.js';
import { subscriberLinks } from '../../../../src/subscribers/links.js';
import { adminHeaders, adminToken, createTestApp, tokenSecret } from '../../../helpers/app.js';
import { createTestDatabase } from '../../../helpers/db.js';
import { createDigestApp, createDigestHarness, waitForRun, type DigestHarness } from '../../../helpers/digests.js';
import { addSubscriber } from '../../../helpers/subscribers.js';

const webhookSecret = 'test-webhook-secret-0123456789';
const seededWeek = '2025-09-08';
/** The operators' clock: Monday 15 September 2025, 10:00 in London, the morning after the seeded week. */
const morningAfter = new Date('2025-09-15T09:00:00Z');
let clock = morningAfter;

let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;
let closed: FastifyInstance;
let devApp: FastifyInstance;
let capture: Mailer;
let refused = new Set<string>();

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, {
    env: { BOUNCE_WEBHOOK_SECRET: webhookSecret },
    sink: { rejectRecipient: (address) => (refused.has(address) ? { code: 550, message: 'no such user' } : undefined) },
  });
  app = await createDigestApp(database, harness, { now: () => clock });
  closed = await createDigestApp(database, await createDigestHarness(database, { env: { ADMIN_TOKEN: '' }, work: false }));
  // The same app on the embedded capturing SMTP server, as the demo runs it.
  capture = await createMailer({ ...harness.config, SMTP_URL: undefined, DATA_DIR: await mkdtemp(path.join(tmpdir(), 'cd-outbox-')) }, createLogger({ level: 'silent' }));
  afterAll(() => capture.close());
  devApp = await createDigestApp(database, harness, { mailer: capture });
});

beforeEach(async () => {
  clock = morningAfter;
  refused = new Set();
  harness.smtp.reset();
  await database.db.execute(sql`truncate digest_runs cascade`);
  await database.db.delete(suppressions);
  await database.db.update(subscribers).set({ status: 'unsubscribed' });
});

async function startRun(body: object = { week: seededWeek }) {
  const response = await app.inject({ method: 'POST', url: '/api/admin/digest-runs', headers: adminHeaders, payload: body });
  expect(response.statusCode, response.body).toBe(202);
  return response.json() as { id: number; week: string; joined: boolean };
}

describe('operator access', () => {
  it('answers 401 without a token and 403 with a wrong one', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/admin/digest-runs', payload: {} })).statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/api/admin/digest-runs', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/admin/digest-preview?email=a@example.org' })).statusCode).toBe(401);
  });

  it('switches the operator routes and the bounce webhook off with 503 when their secrets are unset', async () => {
    expect((await closed.inject({ method: 'GET', url: '/api/admin/digest-runs', headers: adminHeaders })).statusCode).toBe(503);
    expect((await closed.inject({ method: 'GET', url: '/admin/queues', headers: adminHeaders })).statusCode).toBe(503);
    const bounce = await closed.inject({ method: 'POST', url: '/api/webhooks/bounces', payload: { email: 'a@example.org', type: 'hard' } });
    expect(bounce.statusCode).toBe(503);
    expect(bounce.json().error.message).toMatch(/BOUNCE_WEBHOOK_SECRET/);
  });
});

describe('the week guard on POST /api/admin/digest-runs', () => {
  const post = (payload: object) => app.inject({ method: 'POST', url: '/api/admin/digest-runs', headers: adminHeaders, payload });
  const audited = async (runId: number) =>
    (await database.db.select().from(auditLog).where(eq(auditLog.objectId, String(runId)))).map(({ action, detail }) => ({ action, detail }));

  it('refuses a real run for the week in progress with 409, saying when it ends', async () => {
    const response = await post({ week: '2025-09-15' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toMatch(/has not ended: it ends Monday 22 September 2025, 00:00 Europe\/London/);
    expect(await database.db.select().from(digestRuns)).toHaveLength(0);
  });

  it('starts it with force, logged at warn and audited as forced', async () => {
    const warn = vi.spyOn(harness.deps.logger, 'warn');
    await addSubscriber(database.db, { email: 'early@example.org' });
    const { id } = await startRun({ week: '2025-09-15', force: true });
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ week: '2025-09-15', reason: 'unfinished' }), expect.stringMatching(/^digest run forced: /));
    warn.mockRestore();
    expect(await audited(id)).toEqual([
      { action: 'run.start', detail: { week: '2025-09-15', joined: false, forced: true, reason: expect.stringMatching(/has not ended/) } },
    ]);
    await waitForRun(database, id);
  });

  it('accepts a dry run of the week in progress', async () => {
    const { id } = await startRun({ week: '2025-09-15', dryRun: true });
    expect((await waitForRun(database, id)).dryRun).toBe(true);
  });

  it('refuses a week more than 8 weeks old without force and accepts it with force', async () => {
    clock = new Date('2025-11-17T09:00:00Z');
    const refusedOld = await post({ week: seededWeek });
    expect(refusedOld.statusCode).toBe(409);
    expect(refusedOld.json().error.message).toMatch(/10 weeks ago, more than 8/);
    const { id } = await startRun({ week: seededWeek, force: true });
    expect(await audited(id)).toEqual([{ action: 'run.start', detail: { week: seededWeek, joined: false, forced: true, reason: expect.stringMatching(/old news/) } }]);
    await waitForRun(database, id);
  });
});

describe('digest runs', () => {
  it('starts a run with 202, joins a second request for the same week, and reports counts and timings', async () => {
    await addSubscriber(database.db, { email: 'watcher@example.org' });
    await addSubscriber(database.db, { email: 'nothing@example.org', filters: { topics: ['youth-justice'] } });
    const started = await startRun({ week: '2025-09-12' });
    expect(started).toMatchObject({ week: seededWeek, joined: false });
    expect(await startRun({ week: seededWeek })).toMatchObject({ id: started.id, joined: true });
    await waitForRun(database, started.id);
    const detail = await app.inject({ method: 'GET', url: `/api/admin/digest-runs/${started.id}`, headers: adminHeaders });
    expect(detail.json()).toMatchObject({ id: started.id, status: 'completed', total: 2, sent: 1, skipped: 1, failed: 0, pending: 0, dryRun: false, trigger: 'api', failures: [] });
    expect(detail.json().finishedAt).toEqual(expect.any(String));
    expect(detail.json().seconds).toEqual(expect.any(Number));
    const list = await app.inject({ method: 'GET', url: '/api/admin/digest-runs?limit=1', headers: adminHeaders });
    expect(list.json().runs.map((run: { id: number }) => run.id)).toEqual([started.id]);
    expect((await app.inject({ method: 'GET', url: '/api/admin/digest-runs/99999', headers: adminHeaders })).statusCode).toBe(404);
  });

  it('rejects a week that is not a date', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/admin/digest-runs', headers: adminHeaders, payload: { week: '2025-02-30' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/not a real date/);
  });

  it('reports a dry run with counts and samples, and refuses to retry it', async () => {
    await addSubscriber(database.db, { email: 'sample@example.org', filters: { keywords: ['Household Support Fund'] } });
    const { id } = await startRun({ week: seededWeek, dryRun: true });
    await waitForRun(database, id);
    const detail = (await app.inject({ method: 'GET', url: `/api/admin/digest-runs/${id}`, headers: adminHeaders })).json();
    expect(detail).toMatchObject({ dryRun: true, sent: 1, samples: [{ email: 'sample@example.org', meetings: 1, sections: 1 }] });
    expect(harness.smtp.messages).toHaveLength(0);
    expect((await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${id}/retry-failed`, headers: adminHeaders })).statusCode).toBe(409);
  });

  it('lists failures and sends them again on retry-failed', async () => {
    refused.add('refused@example.org');
    await addSubscriber(database.db, { email: 'refused@example.org' });
    const { id } = await startRun();
    await waitForRun(database, id);
    const detail = (await app.inject({ method: 'GET', url: `/api/admin/digest-runs/${id}`, headers: adminHeaders })).json();
    expect(detail).toMatchObject({ failed: 1, failures: [{ email: 'refused@example.org', attempts: 1, error: expect.stringContaining('550') }] });
    refused.clear();
    const retry = await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${id}/retry-failed`, headers: adminHeaders });
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toEqual({ id, retried: 1 });
    expect(await waitForRun(database, id)).toMatchObject({ sent: 1, failed: 0 });
    expect(harness.smtp.to('refused@example.org')).toHaveLength(1);
  });
});

describe('GET /api/admin/digest-preview', () => {
  it("renders a subscriber's digest without sending it, as HTML or text", async () => {
    await addSubscriber(database.db, { email: 'preview@example.org', filters: { keywords: ['Household Support Fund'] } });
    const html = await app.inject({ method: 'GET', url: '/api/admin/digest-preview?email=Preview@Example.org&week=2025-09-10', headers: adminHeaders });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('Household Support Fund 7');
    const text = await app.inject({ method: 'GET', url: '/api/admin/digest-preview?email=preview@example.org&week=2025-09-10&format=text', headers: adminHeaders });
    expect(text.body).toContain('Household Support Fund 7\n------------------------');
    expect(harness.smtp.messages).toHaveLength(0);
  });

  it('answers 404 for an unknown address and for a week with nothing to send', async () => {
    await addSubscriber(database.db, { email: 'empty@example.org' });
    const unknown = await app.inject({ method: 'GET', url: '/api/admin/digest-preview?email=nobody@example.org', headers: adminHeaders });
    expect(unknown.statusCode).toBe(404);
    const empty = await app.inject({ method: 'GET', url: '/api/admin/digest-preview?email=empty@example.org&week=2025-01-06', headers: adminHeaders });
    expect(empty.statusCode).toBe(404);
    expect(empty.json().error.message).toMatch(/would skip/);
  });
});

describe('the links in a digest', () => {
  async function sentLinks(email: string) {
    await startRun().then(({ id }) => waitForRun(database, id));
    const html = harness.smtp.to(email)[0]!.parsed.html as string;
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((match) => new URL(match[1]!.replaceAll('&#x3D;', '=')));
    return (kind: string) => hrefs.find((url) => url.pathname.startsWith(`/${kind}/`))!.pathname;
  }

  it('open the digest in a browser, under a policy that runs nothing', async () => {
    await addSubscriber(database.db, { email: 'viewer@example.org', filters: { topics: ['care-leavers'] } });
    const link = await sentLinks('viewer@example.org');
    const view = await app.inject({ method: 'GET', url: link('digests') });
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('Household Support Fund 7');
    expect(view.headers['content-security-policy']).toContain("default-src 'none'");
    expect(view.headers['referrer-policy']).toBe('no-referrer');
  });

  it('lead to the manage and unsubscribe pages', async () => {
    await addSubscriber(database.db, { email: 'leaver@example.org' });
    const link = await sentLinks('leaver@example.org');
    expect((await app.inject({ method: 'GET', url: link('preferences') })).statusCode).toBe(200);
    const unsubscribe = await app.inject({ method: 'GET', url: link('unsubscribe') });
    expect(unsubscribe.statusCode).toBe(200);
    expect(unsubscribe.body).toMatch(/<form[^>]+method="post"/i);
  });

  it('answer a forged, misused or revoked digest link with the 400 page, never a digest', async () => {
    const reader = await addSubscriber(database.db, { email: 'revoked@example.org' });
    const links = subscriberLinks('https://digest.example.org', tokenSecret, reader);
    const token = links.digest(seededWeek).split('/digests/')[1]!;
    const forged = await app.inject({ method: 'GET', url: `/digests/${token.slice(0, -2)}xx` });
    expect(forged.statusCode).toBe(400);
    const manageToken = links.manage().split('/preferences/')[1]!;
    expect((await app.inject({ method: 'GET', url: `/digests/${manageToken}` })).statusCode).toBe(400);
    await database.db.update(subscribers).set({ tokenVersion: reader.tokenVersion + 1 }).where(eq(subscribers.id, reader.id));
    const revoked = await app.inject({ method: 'GET', url: `/digests/${token}` });
    expect(revoked.statusCode).toBe(400);
    expect(revoked.body).not.toContain('Household Support Fund');
  });
});

describe('POST /api/webhooks/bounces', () => {
  const report = (payload: object, headers: Record<string, string> = { 'x-webhook-secret': webhookSecret }) =>
    app.inject({ method: 'POST', url: '/api/webhooks/bounces', headers, payload });

  it('needs the shared secret, and checks it before reading the report', async () => {
    expect((await report({ email: 'a@example.org', type: 'hard' }, {})).statusCode).toBe(401);
    expect((await report({ nonsense: true }, {})).statusCode).toBe(401);
    expect((await report({ email: 'a@example.org', type: 'hard' }, { 'x-webhook-secret': 'wrong-secret-0123456789' })).statusCode).toBe(403);
  });

  it('suppresses an address at once on a complaint', async () => {
    const response = await report({ email: 'Angry@Example.org', type: 'complaint' });
    expect(response.json()).toEqual({ action: 'suppressed' });
    expect(await database.db.select().from(suppressions)).toEqual([expect.objectContaining({ emailKey: 'angry@example.org', reason: 'complaint' })]);
  });

  it('counts hard bounces up to the limit, then suppresses; soft bounces change nothing', async () => {
    const reader = await addSubscriber(database.db, { email: 'hard@example.org' });
    expect((await report({ email: 'hard@example.org', type: 'soft' })).json()).toEqual({ action: 'ignored' });
    expect((await report({ email: 'hard@example.org', type: 'hard' })).json()).toEqual({ action: 'counted' });
    expect((await report({ email: 'hard@example.org', type: 'hard' })).json()).toEqual({ action: 'counted' });
    expect((await report({ email: 'hard@example.org', type: 'hard' })).json()).toEqual({ action: 'suppressed' });
    const [row] = await database.db.select().from(subscribers).where(eq(subscribers.id, reader.id));
    expect(row!.hardBounces).toBe(3);
  });

  it('validates the report', async () => {
    expect((await report({ email: 'a@example.org', type: 'bounced' })).statusCode).toBe(400);
    expect((await report({ email: 'not an address', type: 'hard' })).statusCode).toBe(422);
  });
});

describe('GET /metrics', () => {
  it('exposes the digest counters, SMTP latency and queue depth for Prometheus', async () => {
    await addSubscriber(database.db, { email: 'counted@example.org' });
    await addSubscriber(database.db, { email: 'skipped@example.org', filters: { topics: ['youth-justice'] } });
    await startRun().then(({ id }) => waitForRun(database, id));
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/^digests_sent_total [1-9]\d*$/m);
    expect(response.body).toMatch(/^digests_skipped_total [1-9]\d*$/m);
    expect(response.body).toMatch(/^digests_failed_total \d+$/m);
    expect(response.body).toMatch(/^smtp_send_seconds_count [1-9]\d*$/m);
    expect(response.body).toMatch(/^digest_queue_depth\{queue="digest-sends",state="waiting"\} 0$/m);
  });
});

describe('GET /metrics with METRICS_TOKEN set', () => {
  it('answers only scrapes that send the token: 401 without one, 403 with another', async () => {
    const metricsToken = 'scrape-token-0123456789';
    const guarded = await createTestApp(database, { METRICS_TOKEN: metricsToken });
    const without = await guarded.inject({ method: 'GET', url: '/metrics' });
    expect(without.statusCode).toBe(401);
    expect(without.json()).toMatchObject({ error: { message: 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"' } });
    expect((await guarded.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${adminToken}` } })).statusCode).toBe(403);
    const scraped = await guarded.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toMatch(/^digests_sent_total \d+$/m);
  });
});

describe('GET /admin/queues without Redis', () => {
  it('says jobs run in-process, for a browser signed in with the token as password', async () => {
    const basic = `Basic ${Buffer.from(`operator:${adminToken}`).toString('base64')}`;
    const response = await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('REDIS_URL is unset');
  });
});

describe('GET /dev/outbox', () => {
  it('is only there with the embedded SMTP server', async () => {
    expect((await app.inject({ method: 'GET', url: '/dev/outbox' })).statusCode).toBe(404);
  });

  it('lists captured messages newest first and shows one in a sandboxed frame with its text part', async () => {
    await capture.send({
      to: 'first@example.org',
      subject: 'First <b>digest</b>',
      html: '<p>Hello <script>alert(1)</script></p>',
      text: 'Hello in text',
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    await capture.send({ to: 'second@example.org', subject: 'Second digest', html: '<p>Again</p>', text: 'Again' });
    const list = await devApp.inject({ method: 'GET', url: '/dev/outbox' });
    expect(list.statusCode).toBe(200);
    expect(list.body.indexOf('Second digest')).toBeLessThan(list.body.indexOf('First &lt;b&gt;digest&lt;/b&gt;'));
    const href = /href="(\/dev\/outbox\/[\w-]+\.eml)">First/.exec(list.body)![1]!;
    const shown = await devApp.inject({ method: 'GET', url: href });
    expect(shown.body).toContain('<iframe title="HTML part" sandbox="" srcdoc="&lt;p&gt;Hello &lt;script&gt;');
    expect(shown.body).toContain('<pre>Hello in text');
    expect(shown.body).toContain('<th>List-Unsubscribe-Post</th><td>List-Unsubscribe=One-Click</td>');
    expect(shown.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await devApp.inject({ method: 'GET', url: `${href}/raw` })).body).toContain('Subject: First <b>digest</b>');
    expect((await devApp.inject({ method: 'GET', url: '/dev/outbox/..%2Fsecret.eml' })).statusCode).toBe(400);
  });
});
