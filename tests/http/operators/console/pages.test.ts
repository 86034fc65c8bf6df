import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../../src/console/audit.js';
import { addOperator } from '../../../../src/console/operators.js';
import type { Database } from '../../../../src/db/client.js';
import { weekContaining } from '../../../../src/digests/week.js';
import { seedDatabase } from '../../../../src/harvest/seed.js';
import { createTestDatabase } from '../../../helpers/db.js';
import { createDigestApp, createDigestHarness, waitForRun } from '../../../helpers/digests.js';
import { addSubscriber } from '../../../helpers/subscribers.js';
import type { SmtpSink } from '../../../helpers/smtp.js';
import { bearer, createPartner, requestFeed } from '../../../feeds/fixtures.js';
import { signedIn, type ConsoleClient } from '../../../console/client.js';

let database: Database;
let app: FastifyInstance;
let smtp: SmtpSink;
let owner: ConsoleClient;
let viewer: ConsoleClient;
let zone: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  const harness = await createDigestHarness(database);
  smtp = harness.smtp;
  zone = harness.config.DIGEST_TZ;
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

  it('shows why a real run of the week in progress is refused, with a force box, and starts it only when ticked', async () => {
    const week = weekContaining(new Date(), zone);
    const confirm = await owner.get(`/admin/runs/new?week=${week}`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toMatch(/data-field="refusal"><p>The week of \d{4}-\d{2}-\d{2} has not ended: it ends Monday/);
    expect(confirm.body).toContain('name="force" type="checkbox" value="1"');
    const refused = await owner.post('/admin/runs', { week, dryRun: '0' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toMatch(/has not ended: it ends Monday/);
    expect(refused.body).toContain('Force: send this week anyway');
    const forced = await owner.post('/admin/runs', { week, dryRun: '0', force: '1' });
    expect(forced.statusCode).toBe(303);
    const runId = Number(/\/admin\/runs\/(\d+)/.exec(forced.headers.location as string)![1]);
    await waitForRun(database, runId);
    const [entry] = await listAudit(database.db, { limit: 1, action: 'run.start' });
    expect(entry).toMatchObject({ objectId: String(runId), detail: { week, forced: true, reason: expect.stringMatching(/has not ended/) } });
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

describe('subscribers', () => {
  it('finds a subscriber, shows their detail and exports them', async () => {
    const found = await owner.get('/admin/subscribers?q=carer');
    expect(found.body).toContain('carer@example.org');
    const id = /\/admin\/subscribers\/(\d+)"/.exec(found.body)![1];
    const detail = await owner.get(`/admin/subscribers/${id}`);
    expect(detail.body).toContain('Care leavers');
    const exported = await owner.get(`/admin/subscribers/${id}/export`);
    expect(exported.headers['content-disposition']).toContain(`subscriber-${id}.json`);
    expect(JSON.parse(exported.body).subscriber.email).toBe('carer@example.org');
  });

  it('erases a subscriber only after a confirmation, and suppresses the address when asked', async () => {
    const row = await addSubscriber(database.db, { email: 'leave-me@example.org' });
    const confirm = await owner.get(`/admin/subscribers/${row.id}/erase`);
    expect(confirm.body).toContain('This cannot be undone');
    const erased = await owner.post(`/admin/subscribers/${row.id}/erase`, { suppress: '1' });
    expect(erased.statusCode).toBe(200);
    expect((await owner.get(`/admin/subscribers/${row.id}`)).body).toContain(`Erased subscriber #${row.id}`);
    expect((await owner.get('/admin/subscribers/suppressions')).body).toContain('leave-me@example.org');
    const lifted = await owner.post('/admin/subscribers/suppressions/lift', { email: 'leave-me@example.org' });
    expect(lifted.body).toContain('may be mailed again');
  });

  it('refuses a viewer an erasure and masks addresses for them', async () => {
    const row = await addSubscriber(database.db, { email: 'kept@example.org' });
    expect((await viewer.get('/admin/subscribers?q=kept')).body).toContain('k***@example.org');
    expect((await viewer.post(`/admin/subscribers/${row.id}/erase`)).statusCode).toBe(403);
    expect((await owner.get(`/admin/subscribers/${row.id}`)).body).toContain('kept@example.org');
  });
});

describe('topics', () => {
  it('shows what new rules would tag and untag before saving them and retagging', async () => {
    const page = await owner.get('/admin/topics/care-leavers');
    expect(page.body).toContain('care leaver');
    const check = await owner.post('/admin/topics/care-leavers/check', { threshold: '3', rules: 'care leaver*: 3\npathway plan*: 3\nparking: 3' });
    expect(check.statusCode).toBe(200);
    expect(check.body).toMatch(/would tag <strong>\d+<\/strong> more sections? and untag <strong>\d+<\/strong>/);
    const saved = await owner.post('/admin/topics/care-leavers', { threshold: '3', rules: 'care leaver*: 3\npathway plan*: 3\nparking: 3' });
    expect(saved.body).toContain('Saved Care leavers and retagged');
    expect((await listAudit(database.db, { limit: 2 })).map((row) => row.action)).toEqual(['topics.retag', 'topic.edit']);
  });

  it('says what is wrong with rules it cannot read, and saves nothing', async () => {
    const bad = await owner.post('/admin/topics/housing/check', { threshold: '3', rules: 'no weight here' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('write it as');
  });
});

describe('meetings', () => {
  const record = JSON.stringify({ council: 'Hertfordshire County Council', committee: 'Pensions Committee', startsAt: '2025-06-19T10:00:00+01:00', summary: 'Pensions.', sections: [{ heading: 'Fund valuation', level: 1, blocks: [] }] });

  it('reads pasted text and shows it before importing anything, then imports it', async () => {
    await owner.get('/admin/meetings/import');
    const form = new FormData();
    form.append('_csrf', /name="_csrf" value="([^"]+)"/.exec((await owner.get('/admin/meetings/import')).body)![1]!);
    form.append('text', '');
    form.append('file', new Blob([record], { type: 'application/json' }), 'meeting.json');
    form.append('format', '');
    form.append('council', '');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const read = await owner.request({ method: 'POST', url: '/admin/meetings/import/read', headers: { 'content-type': request.headers.get('content-type')! }, payload: Buffer.from(await request.arrayBuffer()) });
    expect(read.statusCode).toBe(200);
    expect(read.body).toContain('What the importer read');
    expect(read.body).toContain('Fund valuation');
    expect((await owner.get('/admin/meetings?q=valuation&from=2025-06-01&to=2025-06-30')).body).toContain('No meetings match');
    const imported = await owner.post('/admin/meetings/import', { text: record, format: '', council: '' });
    expect(imported.body).toContain('Imported:');
    const listed = (await owner.get('/admin/meetings?q=valuation&from=2025-06-01&to=2025-06-30')).body;
    expect(listed).toContain('Pensions Committee');
    // The record was its summary's first publication: the list says when.
    expect(listed).toMatch(/<th scope="col">Published<\/th>/);
    expect(listed).toMatch(/<li>Summary: \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2}<\/li>/);
  });

  it('shows what the importer could not read', async () => {
    await owner.get('/admin/meetings/import');
    const bad = await owner.post('/admin/meetings/import/read', { text: '{"council": 1}', format: 'json', council: '' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('The importer could not read it');
  });
});

describe('operators, tokens and the audit log', () => {
  it('lets an owner add an operator and change their role, and shows it in the audit log', async () => {
    await owner.get('/admin/operators');
    expect((await owner.post('/admin/operators', { email: 'new@council.example.org', role: 'viewer' })).body).toContain('new@council.example.org is added as a viewer');
    expect((await owner.post('/admin/operators', { email: 'new@council.example.org', role: 'operator' })).body).toContain('is now an operator');
    const log = await owner.get('/admin/audit?action=operator.role');
    expect(log.body).toContain('new@council.example.org');
    expect((await viewer.get('/admin/operators')).statusCode).toBe(403);
  });

  it('makes a personal API token shown once, which works on the API until revoked', async () => {
    await viewer.get('/admin/tokens');
    const made = await viewer.post('/admin/tokens', { name: 'my script' });
    const token = /class="secret">([^<]+)</.exec(made.body)![1]!;
    const api = await app.inject({ method: 'GET', url: '/api/admin/audit?limit=1', headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(200);
    const id = /\/admin\/tokens\/(\d+)\/revoke/.exec(made.body)![1];
    await viewer.post(`/admin/tokens/${id}/revoke`);
    expect((await app.inject({ method: 'GET', url: '/api/admin/audit', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
  });
});

describe('feeds and partners', () => {
  it("shows a waiting feed request with what it would match, approves it with a note, and mails its recipients", async () => {
    const partner = await createPartner(app, 'Page Trust');
    const { feed } = await requestFeed(app, partner.key, { name: 'Leaving care', topics: ['care-leavers'], recipients: ['lead@page-trust.example.org'] });
    const waiting = await owner.get('/admin/feeds');
    expect(waiting.body).toContain('Leaving care');
    expect(waiting.body).toMatch(/Over the last four weeks<\/strong> it would have matched \d+ meetings/);
    expect((await viewer.post(`/admin/feeds/${feed.id}/approve`, { note: 'ok' })).statusCode).toBe(403);
    const before = smtp.messages.length;
    const approved = await owner.post(`/admin/feeds/${feed.id}/approve`, { note: 'Welcome aboard' });
    expect(approved.body).toContain('&quot;Leaving care&quot; is approved: 1 recipient is being asked to confirm');
    // The partner's notice, and the confirmation its job sends.
    await smtp.waitFor(before + 2);
    expect(smtp.to('lead@page-trust.example.org').map((mail) => mail.parsed.subject)).toEqual(['Confirm you want "Leaving care" from Page Trust']);
    expect((await listAudit(database.db, { limit: 1 }))[0]).toMatchObject({ action: 'feed.approve', objectId: feed.id, detail: { note: 'Welcome aboard' } });
  });

  it('rotates a partner key, showing the new one once, and revokes the old', async () => {
    const partner = await createPartner(app, 'Rotating Council');
    await owner.get('/admin/partners');
    const rotated = await owner.post(`/admin/partners/${partner.id}/keys`, {});
    const key = /class="secret">(cdp_[^<]+)</.exec(rotated.body)![1]!;
    expect((await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(key) })).statusCode).toBe(200);
    await owner.post(`/admin/partners/${partner.id}/keys/${partner.keyId}/revoke`);
    expect((await app.inject({ method: 'GET', url: '/api/partner/feeds', headers: bearer(partner.key) })).statusCode).toBe(401);
    expect((await owner.get('/admin/partners')).body).not.toContain(key);
  });
});

describe('the dashboard', () => {
  it("shows each council's site with its last harvest, and counts the failing ones", async () => {
    await database.db.execute(sql`update sources set consecutive_failures = 3 from councils c where c.id = sources.council_id and c.slug = 'watford'`);
    const page = await owner.get('/admin');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2>Council sites failing</h2><p class="figure">1</p><p class="muted">of 11 harvested nightly</p>');
    expect(page.body).toMatch(/<td><a href="\/admin\/sources#source-\d+">Watford Borough Council<\/a><\/td><td>–<\/td><td>never<\/td><td class="number">3<\/td><td><span class="tag bad">failing<\/span>/);
  });
});
