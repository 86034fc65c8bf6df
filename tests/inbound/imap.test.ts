import { eq } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { inboundMessages, subscribers } from '../../src/db/schema/index.js';
import { inboundDeps, type InboundDeps } from '../../src/inbound/deps.js';
import { pollMailbox } from '../../src/inbound/imap.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { addSubscribers, type SubscriberRow } from '../helpers/subscribers.js';
import { fixture, unsubscribeTokenOf } from './support.js';

const env = { BOUNCE_DOMAIN: 'bounces.example.org', MAIL_FROM: 'Council Digest <digest@example.org>' };

let database: Database;
let harness: DigestHarness;
let dovecot: Dovecot;
let deps: InboundDeps;
let readers: SubscriberRow[];

beforeAll(async () => {
  if (dovecotSkipReason) return;
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, { env });
  readers = await addSubscribers(database.db, 3);
  await runWeek(database, harness, '2025-09-08');
  dovecot = await startDovecot();
  deps = inboundDeps(harness.config, { db: database.db, logger: harness.deps.logger, metrics: harness.deps.metrics, tokenSecret });
});

afterAll(() => dovecot?.stop());

async function withMailbox<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

async function countIn(client: ImapFlow, path: string): Promise<number | undefined> {
  const status = await client.status(path, { messages: true });
  return status ? status.messages : undefined;
}

const digestOf = (subscriber: SubscriberRow) => harness.smtp.to(subscriber.email!)[0]!;

async function statusOf(id: number) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.id, id));
  return row!;
}

describe.skipIf(dovecotSkipReason)('the IMAP mailbox (a real Dovecot)', () => {
  it('handles each message like one over SMTP and moves it to the done folder, deleting nothing', async () => {
    const [bounced, leaving, away] = readers as [SubscriberRow, SubscriberRow, SubscriberRow];
    const returnPath = digestOf(bounced).envelope.from;
    const token = unsubscribeTokenOf(digestOf(leaving));
    await withMailbox(async (client) => {
      // As an MDA stores them: with the address the message was delivered to.
      await client.append('INBOX', `Delivered-To: ${returnPath}\r\n${fixture('postfix-5.1.1.eml', { returnPath, recipient: bounced.email! })}`);
      await client.append('INBOX', `Delivered-To: unsubscribe@example.org\r\n${fixture('mailto-unsubscribe.eml', { recipient: leaving.email!, unsubscribeToken: token })}`);
      await client.append('INBOX', fixture('out-of-office.eml', { recipient: away.email!, reportTo: 'unsubscribe@example.org', unsubscribeToken: token }));
    });

    const outcome = await pollMailbox(deps, { url: dovecot.url, doneFolder: 'Processed', maxMessageBytes: 1_048_576 });

    expect(outcome.leftForLater).toBe(0);
    expect(outcome.handled.map((handled) => [handled.kind, handled.action])).toEqual([
      ['bounce', 'counted'],
      ['unsubscribe', 'unsubscribed'],
      ['auto-reply', 'ignored'],
    ]);
    expect((await statusOf(bounced.id)).hardBounces).toBe(1);
    expect((await statusOf(leaving.id)).status).toBe('unsubscribed');
    expect((await statusOf(away.id)).status).toBe('active');
    const records = await database.db.select().from(inboundMessages).where(eq(inboundMessages.channel, 'imap'));
    expect(records).toHaveLength(3);

    expect(await withMailbox((client) => countIn(client, 'INBOX'))).toBe(0);
    expect(await withMailbox((client) => countIn(client, 'Processed'))).toBe(3);
  });

  it('reads nothing twice: a second poll of an empty mailbox handles nothing', async () => {
    const outcome = await pollMailbox(deps, { url: dovecot.url, doneFolder: 'Processed', maxMessageBytes: 1_048_576 });
    expect(outcome).toEqual({ handled: [], leftForLater: 0 });
  });

  it('reads a full mailbox a batch at a time, oldest first', async () => {
    await withMailbox(async (client) => {
      for (const n of [1, 2, 3]) await client.append('INBOX', `Subject: note ${n}\r\nMessage-ID: <note-${n}@example.net>\r\n\r\nhello\r\n`);
    });
    const first = await pollMailbox(deps, { url: dovecot.url, doneFolder: 'Processed', maxMessageBytes: 1_048_576, batch: 2 });
    expect(first.handled).toHaveLength(2);
    expect(await withMailbox((client) => countIn(client, 'INBOX'))).toBe(1);
    const second = await pollMailbox(deps, { url: dovecot.url, doneFolder: 'Processed', maxMessageBytes: 1_048_576, batch: 2 });
    expect(second.handled).toHaveLength(1);
    const notes = await database.db.select({ messageId: inboundMessages.messageId }).from(inboundMessages).where(eq(inboundMessages.channel, 'imap'));
    expect(notes.map((note) => note.messageId).slice(-3)).toEqual(['<note-1@example.net>', '<note-2@example.net>', '<note-3@example.net>']);
  });

  it('moves a message over the size limit aside unread', async () => {
    await withMailbox((client) => client.append('INBOX', `Subject: large\r\n\r\n${'y'.repeat(5000)}\r\n`));
    const outcome = await pollMailbox(deps, { url: dovecot.url, doneFolder: 'Processed', maxMessageBytes: 1024 });
    expect(outcome.handled).toEqual([expect.objectContaining({ kind: 'other', action: 'ignored' })]);
    expect(await withMailbox((client) => countIn(client, 'Processed'))).toBe(7);
  });
});
