import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { deliveries, digestRuns, inboundMessages, subscribers, suppressions } from '../../src/db/schema/index.js';
import { createDigestApp, createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { createTestDatabase } from '../helpers/db.js';
import { tokenSecret } from '../helpers/app.js';
import { returnPathFor } from '../../src/mail/return-path.js';
import { addSubscribers, type SubscriberRow } from '../helpers/subscribers.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { fixture, sendRaw, startTestInbound, unsubscribeTokenOf } from './support.js';

const seededWeek = '2025-09-08';
const env = { BOUNCE_DOMAIN: 'bounces.example.org', MAIL_FROM: 'Council Digest <digest@example.org>' };

let database: Database;
let harness: DigestHarness;
let port: number;
let runId: number;
/** Each subscriber's digest this week: its return path and its unsubscribe token. */
const sent = new Map<string, { subscriber: SubscriberRow; returnPath: string; token: string }>();
let readers: SubscriberRow[];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, { env });
  readers = await addSubscribers(database.db, 14);
  const run = await runWeek(database, harness, seededWeek);
  runId = run.id;
  for (const subscriber of readers) {
    const [mail] = harness.smtp.to(subscriber.email!);
    sent.set(subscriber.email!, { subscriber, returnPath: mail!.envelope.from, token: unsubscribeTokenOf(mail!) });
  }
  ({ port } = (await startTestInbound(database, harness)).server);
});

/** The n-th reader's digest. */
const reader = (n: number) => sent.get(readers[n]!.email!)!;

async function subscriberNow(id: number) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.id, id));
  return row!;
}

async function lastRecord() {
  const [row] = await database.db.select().from(inboundMessages).orderBy(desc(inboundMessages.id)).limit(1);
  return row!;
}

async function suppressed(emailKey: string) {
  return (await database.db.select().from(suppressions).where(eq(suppressions.emailKey, emailKey))).length > 0;
}

function smtpClient(tls: { requireTLS?: boolean } = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: !tls.requireTLS, requireTLS: tls.requireTLS, tls: { rejectUnauthorized: false } });
}

describe('delivery status notifications', () => {
  it('counts a Postfix 5.1.1 DSN as a hard bounce of the very delivery its return path names (raw socket)', async () => {
    const { subscriber, returnPath } = reader(0);
    const message = fixture('postfix-5.1.1.eml', { returnPath, recipient: subscriber.email! });
    const session = await sendRaw(port, { from: '', to: [returnPath] }, message);
    expect(session.codes).toMatchObject({ greeting: 220, ehlo: 250, mail: 250, rcpt: [250], data: 354, end: 250 });

    expect((await subscriberNow(subscriber.id)).hardBounces).toBe(1);
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, subscriber.id));
    expect(delivery!.bouncedAt).not.toBeNull();
    const [run] = await database.db.select().from(digestRuns).where(eq(digestRuns.id, runId));
    expect(run!.hardBounces).toBe(1);
    expect(await lastRecord()).toMatchObject({
      channel: 'smtp',
      kind: 'bounce',
      severity: 'hard',
      status: '5.1.1',
      audience: 'subscriber',
      recipientId: subscriber.id,
      deliveryId: delivery!.id,
      runId,
      action: 'counted',
    });
  });

  it('counts the same DSN arriving twice once', async () => {
    const { subscriber, returnPath } = reader(1);
    const message = fixture('postfix-5.1.1.eml', { returnPath, recipient: subscriber.email! });
    await sendRaw(port, { from: '', to: [returnPath] }, message);
    const again = await sendRaw(port, { from: '', to: [returnPath] }, message);
    expect(again.codes.end).toBe(250);
    expect((await subscriberNow(subscriber.id)).hardBounces).toBe(1);
    expect(await lastRecord()).toMatchObject({ kind: 'bounce', action: 'ignored', note: 'this delivery was reported as a hard bounce before' });
  });

  it('counts hard bounces of an alert mail and of a confirmation that share an id as two mails, and each one once', async () => {
    const [subscriber] = await addSubscribers(database.db, 1, {}, 'alerts.example.org');
    const settings = { tokenSecret, bounceDomain: env.BOUNCE_DOMAIN };
    // alert_mails and subscriber_emails number their rows apart: the same id names two different mails.
    const alert = returnPathFor(settings, { kind: 'alert', recipientId: subscriber!.id, mailId: 9001 })!;
    const confirmation = returnPathFor(settings, { kind: 'subscriber-mail', recipientId: subscriber!.id, mailId: 9001 })!;
    for (const returnPath of [alert, confirmation, alert]) {
      await sendRaw(port, { from: '', to: [returnPath] }, fixture('postfix-5.1.1.eml', { returnPath, recipient: subscriber!.email! }));
    }
    expect((await subscriberNow(subscriber!.id)).hardBounces).toBe(2);
    const records = await database.db.select().from(inboundMessages).where(eq(inboundMessages.recipientId, subscriber!.id)).orderBy(inboundMessages.id);
    expect(records.map((record) => [record.mailKind, record.deliveryId, record.action])).toEqual([
      ['alert', 9001, 'counted'],
      ['subscriber-mail', 9001, 'counted'],
      ['alert', 9001, 'ignored'],
    ]);
  });

  it('reads an Exchange NDR (5.1.10) and a Gmail 5.7.1 block as hard bounces (nodemailer)', async () => {
    for (const [n, name, status] of [[2, 'exchange-5.1.10.eml', '5.1.10'], [3, 'gmail-5.7.1.eml', '5.7.1']] as const) {
      const { subscriber, returnPath } = reader(n);
      const info = await smtpClient().sendMail({ envelope: { from: '', to: [returnPath] }, raw: fixture(name, { returnPath, recipient: subscriber.email! }) });
      expect(info.accepted).toEqual([returnPath]);
      expect((await subscriberNow(subscriber.id)).hardBounces).toBe(1);
      expect(await lastRecord()).toMatchObject({ kind: 'bounce', severity: 'hard', status, recipientId: subscriber.id, action: 'counted' });
    }
  });

  it('records a 4.x.x delay as a soft bounce and changes nothing', async () => {
    const { subscriber, returnPath } = reader(4);
    await sendRaw(port, { from: '', to: [returnPath] }, fixture('postfix-4.4.1-delayed.eml', { returnPath, recipient: subscriber.email! }));
    const after = await subscriberNow(subscriber.id);
    expect(after).toMatchObject({ hardBounces: 0, status: 'active' });
    expect(await lastRecord()).toMatchObject({ kind: 'bounce', severity: 'soft', status: '4.4.1', recipientId: subscriber.id, action: 'ignored' });
  });

  it('suppresses the address at HARD_BOUNCE_LIMIT, as a 5xx at send time does', async () => {
    const { subscriber, returnPath } = reader(5);
    await database.db.update(subscribers).set({ hardBounces: 2 }).where(eq(subscribers.id, subscriber.id));
    await sendRaw(port, { from: '', to: [returnPath] }, fixture('gmail-5.7.1.eml', { returnPath, recipient: subscriber.email! }));
    expect(await suppressed(subscriber.emailKey!)).toBe(true);
    expect(await lastRecord()).toMatchObject({ action: 'suppressed' });
  });
});

describe('feedback-loop complaints', () => {
  it('suppresses the recipient at once and counts the complaint on its run', async () => {
    const { subscriber, returnPath } = reader(6);
    const [before] = await database.db.select().from(digestRuns).where(eq(digestRuns.id, runId));
    await sendRaw(port, { from: '', to: [returnPath] }, fixture('arf-complaint.eml', { returnPath, recipient: subscriber.email!, reportTo: returnPath }));
    expect(await suppressed(subscriber.emailKey!)).toBe(true);
    const [after] = await database.db.select().from(digestRuns).where(eq(digestRuns.id, runId));
    expect(after!.complaints).toBe(before!.complaints + 1);
    expect(await lastRecord()).toMatchObject({ kind: 'complaint', status: 'abuse', recipientId: subscriber.id, runId, action: 'suppressed' });
  });

  it('finds whom a report sent to unsubscribe@ is about from its Original-Mail-From', async () => {
    const { subscriber, returnPath, token } = reader(7);
    await sendRaw(port, { from: '', to: ['unsubscribe@example.org'] }, fixture('arf-complaint.eml', { returnPath, recipient: subscriber.email!, unsubscribeToken: token }));
    expect(await suppressed(subscriber.emailKey!)).toBe(true);
    // The report carries the digest's List-Unsubscribe: a complaint is not an unsubscribe, and the link still works.
    expect((await subscriberNow(subscriber.id)).status).toBe('active');
  });
});

describe('auto-replies and unsubscribes by mail', () => {
  it('drops an out-of-office reply to the return path without changing anything', async () => {
    const { subscriber, returnPath, token } = reader(8);
    await sendRaw(port, { from: subscriber.email!, to: [returnPath] }, fixture('out-of-office.eml', { recipient: subscriber.email!, reportTo: returnPath, unsubscribeToken: token }));
    expect(await subscriberNow(subscriber.id)).toMatchObject({ status: 'active', hardBounces: 0 });
    expect(await lastRecord()).toMatchObject({ kind: 'auto-reply', action: 'ignored', note: 'Auto-Submitted: auto-replied' });
  });

  it('does not take a holiday reply quoting a token (Precedence: auto_reply) for an unsubscribe', async () => {
    const { subscriber, token } = reader(9);
    await sendRaw(port, { from: subscriber.email!, to: ['unsubscribe@example.org'] }, fixture('vacation-precedence.eml', { recipient: subscriber.email!, unsubscribeToken: token }));
    expect((await subscriberNow(subscriber.id)).status).toBe('active');
    expect(await lastRecord()).toMatchObject({ kind: 'auto-reply', note: 'Precedence: auto_reply' });
  });

  it('unsubscribes the List-Unsubscribe mailto exactly as the one-click POST does, and the page-side link dies', async () => {
    const { subscriber, token } = reader(10);
    const app = await createDigestApp(database, harness);
    expect((await app.inject({ method: 'GET', url: `/unsubscribe/${token}` })).statusCode).toBe(200);
    const info = await smtpClient().sendMail({
      envelope: { from: subscriber.email!, to: ['unsubscribe@example.org'] },
      raw: fixture('mailto-unsubscribe.eml', { recipient: subscriber.email!, unsubscribeToken: token }),
    });
    expect(info.accepted).toEqual(['unsubscribe@example.org']);
    const after = await subscriberNow(subscriber.id);
    expect(after).toMatchObject({ status: 'unsubscribed', tokenVersion: subscriber.tokenVersion + 1 });
    expect(after.unsubscribedAt).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: `/unsubscribe/${token}` })).statusCode).toBe(400);
    expect(await lastRecord()).toMatchObject({ kind: 'unsubscribe', audience: 'subscriber', recipientId: subscriber.id, action: 'unsubscribed' });
  });

  it('finds the token in the body when the subject does not carry it', async () => {
    const { subscriber, token } = reader(11);
    await sendRaw(port, { from: subscriber.email!, to: ['Unsubscribe@Example.org'] }, fixture('mailto-unsubscribe-body.eml', { recipient: subscriber.email!, unsubscribeToken: token, reportTo: 'unsubscribe@example.org' }));
    expect((await subscriberNow(subscriber.id)).status).toBe('unsubscribed');
  });

  it('changes nothing for a forged token, or one altered by a character', async () => {
    const { subscriber, token } = reader(12);
    await sendRaw(port, { from: subscriber.email!, to: ['unsubscribe@example.org'] }, fixture('mailto-unsubscribe-forged.eml', { recipient: subscriber.email! }));
    expect(await lastRecord()).toMatchObject({ kind: 'unsubscribe', action: 'ignored', note: 'no genuine unsubscribe token', recipientId: null });
    const altered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    await sendRaw(port, { from: subscriber.email!, to: ['unsubscribe@example.org'] }, fixture('mailto-unsubscribe.eml', { recipient: subscriber.email!, unsubscribeToken: altered }));
    expect(await subscriberNow(subscriber.id)).toMatchObject({ status: 'active', tokenVersion: subscriber.tokenVersion });
    expect(await lastRecord()).toMatchObject({ action: 'ignored' });
  });
});

describe('what the server refuses', () => {
  it('answers 550 for a stranger, another domain (no relaying) and a return path we did not sign', async () => {
    const { returnPath } = reader(13);
    const forged = returnPath.replace(/[0-9a-f](?=@)/, (digit) => (digit === '0' ? '1' : '0'));
    const session = await sendRaw(
      port,
      { from: 'someone@example.net', to: ['postmaster@example.org', 'friend@gmail.example', forged, 'bounces@bounces.example.org'] },
      'Subject: hello\r\n\r\nhello\r\n',
    );
    expect(session.codes.rcpt).toEqual([550, 550, 550, 550]);
    expect(session.codes.data).toBeUndefined();
    await expect(smtpClient().sendMail({ envelope: { from: 'a@example.net', to: ['stranger@example.org'] }, raw: 'Subject: hi\r\n\r\nhi\r\n' })).rejects.toMatchObject({
      responseCode: 550,
    });
  });

  it('refuses a message over the size limit with 552', async () => {
    const small = await startTestInbound(database, harness, { maxMessageBytes: 2048 });
    const big = `Subject: big\r\n\r\n${'x'.repeat(70).concat('\r\n').repeat(60)}`;
    const session = await sendRaw(small.server.port, { from: '', to: ['unsubscribe@example.org'] }, big);
    expect(session.codes.end).toBe(552);
  });

  it('answers 421 past the rate allowed per client address', async () => {
    const limited = await startTestInbound(database, harness, { ratePerMinute: 2 });
    const codes: number[] = [];
    for (let n = 0; n < 3; n += 1) codes.push((await sendRaw(limited.server.port, { from: '', to: ['unsubscribe@example.org'] }, 'Subject: x\r\n\r\nx\r\n')).codes.mail);
    expect(codes).toEqual([250, 250, 421]);
  });

  it('offers STARTTLS only when a certificate is configured', async () => {
    const plain = await sendRaw(port, { from: '', to: [] }, '');
    expect(plain.replies.some((line) => /STARTTLS/.test(line))).toBe(false);

    const dir = mkdtempSync(join(tmpdir(), 'inbound-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const secured = await startTestInbound(database, harness, { tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } });
    const offered = await sendRaw(secured.server.port, { from: '', to: [] }, '');
    expect(offered.replies.some((line) => /^250[- ]STARTTLS/.test(line))).toBe(true);
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: secured.server.port, requireTLS: true, tls: { rejectUnauthorized: false } });
    const info = await client.sendMail({ envelope: { from: '', to: ['unsubscribe@example.org'] }, raw: 'Subject: over TLS\r\n\r\nno token\r\n' });
    expect(info.accepted).toEqual(['unsubscribe@example.org']);
  });
});
