import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/console/audit.js';
import { addOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { seedDatabase } from '../../src/meetings/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, waitForRun } from '../helpers/digests.js';
import { addSubscriber } from '../helpers/subscribers.js';
import type { SmtpSink } from '../helpers/smtp.js';
import { signedIn, type ConsoleClient } from './client.js';

let database: Database;
let app: FastifyInstance;
let smtp: SmtpSink;
let owner: ConsoleClient;
let viewer: ConsoleClient;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  const harness = await createDigestHarness(database);
  smtp = harness.smtp;
  app = await createDigestApp(database, harness);
  await addOperator(database.db, { email: 'owen@council.example.org', role: 'owner' });
  await addOperator(database.db, { email: 'vera@council.example.org', role: 'viewer' });
  owner = await signedIn(app, smtp, 'owen@council.example.org');
  viewer = await signedIn(app, smtp, 'vera@council.example.org');
  await addSubscriber(database.db, { email: 'carer@example.org', filters: { topics: ['care-leavers'] } });
  await addSubscriber(database.db, { email: 'roads@example.org', filters: { keywords: ['pothole'] } });
});

describe('runs', () => {
  it('says how many will receive and how many be skipped before starting, then follows the run to its end', async () => {
    const confirm = await owner.get('/admin/runs/new?week=2025-06-16&dryRun=1');
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toMatch(/<strong>1<\/strong> subscriber will have a digest built/);
    expect(confirm.body).toMatch(/<strong>1<\/strong> will be skipped/);
    const started = await owner.post('/admin/runs', { week: '2025-06-16', dryRun: '1' });
    expect(started.statusCode).toBe(303);
    const runId = Number(/\/admin\/runs\/(\d+)/.exec(started.headers.location as string)![1]);
    await waitForRun(database, runId);
    const page = await owner.get(`/admin/runs/${runId}`);
    expect(page.body).toContain('completed');
    expect(page.body).toContain('carer@example.org');
    const events = await owner.get(`/admin/runs/${runId}/events`);
    expect(events.headers['content-type']).toContain('text/event-stream');
    expect(events.body).toMatch(/event: progress\ndata: \{.*"status":"completed"/);
    const [entry] = await listAudit(database.db, { limit: 1, action: 'run.dry-run' });
    expect(entry).toMatchObject({ actor: 'owen@council.example.org', objectId: String(runId) });
  });

  it('shows a viewer the run with addresses masked, and refuses them a start', async () => {
    const runs = await viewer.get('/admin/runs');
    expect(runs.statusCode).toBe(200);
    expect(runs.body).not.toContain('Check before starting');
    const runId = /\/admin\/runs\/(\d+)/.exec(runs.body)![1];
    const page = await viewer.get(`/admin/runs/${runId}`);
    expect(page.body).toContain('c***@example.org');
    expect(page.body).not.toContain('carer@example.org');
    const refused = await viewer.post('/admin/runs', { week: '2025-06-16', dryRun: '1' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('needs the operator role');
  });
});

describe('preview', () => {
  it("shows a subscriber's digest, HTML in a sandboxed frame and the text part, and sends a test copy to the operator", async () => {
    const page = await owner.get('/admin/preview?week=2025-06-16&email=carer@example.org');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<iframe[^>]+sandbox[^>]+src="\/admin\/preview\/render\?week=2025-06-16&amp;email=carer%40example.org"/);
    expect(page.body).toContain('class="text-part"');
    const frame = await owner.get('/admin/preview/render?week=2025-06-16&email=carer@example.org');
    expect(frame.headers['content-security-policy']).toContain('sandbox');
    expect(frame.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    const before = smtp.to('owen@council.example.org').length;
    const sent = await owner.post('/admin/preview/send?week=2025-06-16&email=carer%40example.org');
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Sent a test copy to owen@council.example.org');
    const mail = (await smtp.waitFor(smtp.messages.length)).filter((each) => each.envelope.to.includes('owen@council.example.org'));
    expect(mail.length).toBe(before + 1);
    expect(mail.at(-1)!.parsed.subject).toMatch(/^\[Test\] /);
  });

  it('previews a filter set, and says when a week has nothing for it', async () => {
    const page = await owner.get('/admin/preview?week=2025-06-16&topics=care-leavers');
    expect(page.body).toContain('Links in a filter set preview lead nowhere');
    const empty = await owner.get('/admin/preview?week=2025-06-16&keywords=pothole');
    expect(empty.body).toContain('Nothing that week matches this filter set');
  });
});
