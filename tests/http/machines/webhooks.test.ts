import { createHmac, createSign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { inboundMessages, subscribers, suppressions } from '../../../src/db/schema/index.js';
import { seedDatabase } from '../../../src/harvest/seed.js';
import { createTestDatabase } from '../../helpers/db.js';
import { createDigestApp, createDigestHarness, runWeek, type DigestHarness } from '../../helpers/digests.js';
import { addSubscribers, type SubscriberRow } from '../../helpers/subscribers.js';
import { fixtureDir } from '../../inbound/support.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:ses-returns';
const mailgunKey = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const postmark = { user: 'postmark', password: 'postmark-webhook-password-0123' };

let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;
let readers: SubscriberRow[];
let signingKey: string;
/** What SNS's stand-in served: the certificate, and the subscription confirmations it was asked for. */
let certUrl: string;
let subscribeUrl: string;
const confirmations: string[] = [];
let certServer: ReturnType<typeof createServer>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sns-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=sns.test'], { stdio: 'ignore' });
  signingKey = readFileSync(join(dir, 'key.pem'), 'utf8');
  const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
  certServer = createServer((request, response) => {
    if (request.url === '/SimpleNotificationService-test.pem') return void response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(certificate);
    if (request.url?.startsWith('/?Action=ConfirmSubscription')) {
      confirmations.push(request.url);
      return void response.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => certServer.listen(0, '127.0.0.1', resolve));
  const { port } = certServer.address() as { port: number };
  certUrl = `http://127.0.0.1:${port}/SimpleNotificationService-test.pem`;
  subscribeUrl = `http://127.0.0.1:${port}/?Action=ConfirmSubscription&TopicArn=${topic}&Token=2336412f37fb687f`;

  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, {
    env: {
      BOUNCE_DOMAIN: 'bounces.example.org',
      MAIL_FROM: 'Council Digest <digest@example.org>',
      SES_SNS_TOPIC_ARNS: `arn:aws:sns:eu-west-2:123456789012:other, ${topic}`,
      // Only the test's own certificate server; in production Amazon's hosts.
      SES_SNS_CERT_HOST: '^127\\.0\\.0\\.1$',
      MAILGUN_WEBHOOK_SIGNING_KEY: mailgunKey,
      POSTMARK_WEBHOOK_USER: postmark.user,
      POSTMARK_WEBHOOK_PASSWORD: postmark.password,
    },
  });
  readers = await addSubscribers(database.db, 8);
  await runWeek(database, harness, '2025-09-08');
  app = await createDigestApp(database, harness);
});

afterAll(() => new Promise((resolve) => certServer.close(resolve)));

beforeEach(async () => {
  await database.db.delete(suppressions);
  await database.db.update(subscribers).set({ hardBounces: 0 });
});

const returnPathOf = (reader: SubscriberRow) => harness.smtp.to(reader.email!)[0]!.envelope.from;

function sample(name: string, values: Record<string, string>): Record<string, unknown> {
  let text = readFileSync(new URL(`providers/${name}`, fixtureDir), 'utf8');
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{{${key}}}`, value);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Signs an SNS message as SNS does (SignatureVersion 1: SHA1withRSA over "Name\nvalue\n" for each field present, in this order). */
function snsSigned(message: Record<string, unknown>): Record<string, unknown> {
  const fields = message.Type === 'Notification' ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const canonical = fields.filter((field) => message[field] !== undefined).map((field) => `${field}\n${String(message[field])}\n`).join('');
  return { ...message, Signature: createSign('RSA-SHA1').update(canonical).sign(signingKey, 'base64') };
}

function sesNotification(event: string, reader: SubscriberRow, overrides: Record<string, string> = {}) {
  const message = JSON.stringify(sample(event, { RECIPIENT: reader.email!, RETURN_PATH: returnPathOf(reader) }));
  return snsSigned({ ...sample('sns-notification.json', { TOPIC_ARN: topic, CERT_URL: certUrl, MESSAGE: 'x', SIGNATURE: 'x' }), Message: message, ...overrides });
}

/** As SNS posts it: JSON in a text/plain body. */
const postSns = (body: unknown) => app.inject({ method: 'POST', url: '/api/webhooks/ses', headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' }, payload: JSON.stringify(body) });

async function subscriberNow(reader: SubscriberRow) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.id, reader.id));
  return row!;
}

const isSuppressed = async (reader: SubscriberRow) => (await database.db.select().from(suppressions).where(eq(suppressions.emailKey, reader.emailKey!))).length === 1;

async function lastRecord() {
  const [row] = await database.db.select().from(inboundMessages).orderBy(desc(inboundMessages.id)).limit(1);
  return row!;
}

describe('Amazon SES through SNS', () => {
  it('counts a signed permanent bounce against the delivery its return path names', async () => {
    const response = await postSns(sesNotification('ses-bounce.json', readers[0]!));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ confirmed: false, results: [{ action: 'counted' }] });
    expect((await subscriberNow(readers[0]!)).hardBounces).toBe(1);
    expect(await lastRecord()).toMatchObject({ channel: 'ses', kind: 'bounce', severity: 'hard', status: '5.1.1', recipientId: readers[0]!.id, runId: expect.any(Number) });
  });

  it('suppresses on a signed complaint', async () => {
    const response = await postSns(sesNotification('ses-complaint.json', readers[1]!));
    expect(response.json()).toEqual({ confirmed: false, results: [{ action: 'suppressed' }] });
    expect(await isSuppressed(readers[1]!)).toBe(true);
  });

  it('confirms a signed subscription by visiting its SubscribeURL', async () => {
    const confirmation = snsSigned(sample('sns-subscription-confirmation.json', { TOPIC_ARN: topic, CERT_URL: certUrl, SUBSCRIBE_URL: subscribeUrl, SIGNATURE: 'x' }));
    const response = await postSns(confirmation);
    expect(response.json()).toEqual({ confirmed: true, results: [] });
    expect(confirmations).toHaveLength(1);
  });

  it('refuses a tampered notification, another topic, and a certificate from a host not allowed', async () => {
    const signed = sesNotification('ses-complaint.json', readers[2]!);
    const tampered = { ...signed, Message: (signed.Message as string).replace(readers[2]!.email!, readers[3]!.email!) };
    expect((await postSns(tampered)).json()).toMatchObject({ error: { code: 'forbidden', message: 'Refused: the signature does not verify' } });
    const elsewhere = snsSigned({ ...sesNotification('ses-complaint.json', readers[2]!), TopicArn: 'arn:aws:sns:eu-west-2:999999999999:someone-elses' });
    expect((await postSns(elsewhere)).json()).toMatchObject({ error: { message: expect.stringMatching(/is not one of SES_SNS_TOPIC_ARNS/) } });
    const foreignCert = snsSigned({ ...sesNotification('ses-complaint.json', readers[2]!), SigningCertURL: 'https://attacker.example/cert.pem' });
    expect((await postSns(foreignCert)).json()).toMatchObject({ error: { message: expect.stringMatching(/not an allowed SNS host/) } });
    expect(await isSuppressed(readers[2]!)).toBe(false);
    expect(await isSuppressed(readers[3]!)).toBe(false);
  });
});

describe('Mailgun', () => {
  function signedEvent(name: string, reader: SubscriberRow, timestamp = Math.floor(Date.now() / 1000)) {
    const body = sample(name, { RECIPIENT: reader.email!, RETURN_PATH: returnPathOf(reader), TIMESTAMP: String(timestamp), SIGNATURE: '' });
    const signature = body.signature as { timestamp: string; token: string; signature: string };
    signature.signature = createHmac('sha256', mailgunKey).update(`${signature.timestamp}${signature.token}`).digest('hex');
    return body;
  }
  const post = (body: unknown) => app.inject({ method: 'POST', url: '/api/webhooks/mailgun', payload: body as object });

  it('counts a signed permanent failure and suppresses on a signed complaint', async () => {
    expect((await post(signedEvent('mailgun-permanent-failure.json', readers[4]!))).json()).toEqual({ results: [{ action: 'counted' }] });
    expect((await subscriberNow(readers[4]!)).hardBounces).toBe(1);
    expect(await lastRecord()).toMatchObject({ channel: 'mailgun', status: '5.1.1', recipientId: readers[4]!.id, runId: expect.any(Number) });
    expect((await post(signedEvent('mailgun-complained.json', readers[5]!))).json()).toEqual({ results: [{ action: 'suppressed' }] });
    expect(await isSuppressed(readers[5]!)).toBe(true);
  });

  it('refuses a tampered event, a stale one, and one without a signature', async () => {
    const tampered = signedEvent('mailgun-complained.json', readers[6]!);
    (tampered.signature as { token: string }).token += 'x';
    expect((await post(tampered)).statusCode).toBe(403);
    const stale = signedEvent('mailgun-complained.json', readers[6]!, Math.floor(Date.now() / 1000) - 3600);
    expect((await post(stale)).statusCode).toBe(403);
    expect((await post({ 'event-data': (tampered['event-data'] as object) })).statusCode).toBe(401);
    expect(await isSuppressed(readers[6]!)).toBe(false);
  });
});

describe('Postmark', () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const post = (body: unknown, authorization?: string) =>
    app.inject({ method: 'POST', url: '/api/webhooks/postmark', headers: authorization ? { authorization } : {}, payload: body as object });

  it('counts a hard bounce and suppresses on a spam complaint, with the basic-auth credentials', async () => {
    const auth = basic(postmark.user, postmark.password);
    expect((await post(sample('postmark-hard-bounce.json', { RECIPIENT: readers[6]!.email! }), auth)).json()).toEqual({ results: [{ action: 'counted' }] });
    expect((await subscriberNow(readers[6]!)).hardBounces).toBe(1);
    expect((await post(sample('postmark-spam-complaint.json', { RECIPIENT: readers[7]!.email! }), auth)).json()).toEqual({ results: [{ action: 'suppressed' }] });
    expect(await isSuppressed(readers[7]!)).toBe(true);
    expect(await lastRecord()).toMatchObject({ channel: 'postmark', kind: 'complaint', recipientId: null });
  });

  it('refuses wrong credentials (403) and none (401), changing nothing', async () => {
    const complaint = sample('postmark-spam-complaint.json', { RECIPIENT: readers[0]!.email! });
    expect((await post(complaint, basic(postmark.user, 'not-the-password-at-all'))).statusCode).toBe(403);
    expect((await post(complaint)).statusCode).toBe(401);
    expect(await isSuppressed(readers[0]!)).toBe(false);
  });
});
