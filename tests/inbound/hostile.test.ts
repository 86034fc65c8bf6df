import { connect } from 'node:net';
import { desc, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { inboundMessages, subscribers, suppressions } from '../../src/db/schema/index.js';
import { returnPathFor } from '../../src/mail/return-path.js';
import { tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness, type DigestHarness } from '../helpers/digests.js';
import { addSubscribers, type SubscriberRow } from '../helpers/subscribers.js';
import { fixture, sendRaw, startTestInbound } from './support.js';

const env = { BOUNCE_DOMAIN: 'bounces.example.org', MAIL_FROM: 'Council Digest <digest@example.org>' };

let database: Database;
let harness: DigestHarness;
let port: number;
let readers: SubscriberRow[];

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await createDigestHarness(database, { env, work: false });
  readers = await addSubscribers(database.db, 6);
  ({ port } = (await startTestInbound(database, harness)).server);
});

/** The return path of the n-th reader's confirmation mail (a `subscriber_emails` row: no delivery, no run). */
const confirmationReturnPath = (n: number) => returnPathFor({ tokenSecret, bounceDomain: env.BOUNCE_DOMAIN }, { kind: 'subscriber-mail', recipientId: readers[n]!.id, mailId: 40 + n })!;

async function subscriberNow(id: number) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.id, id));
  return row!;
}

const recordsAbout = (id: number) => database.db.select().from(inboundMessages).where(eq(inboundMessages.recipientId, id));
const recordCount = async () => Number((await database.db.execute<{ n: string }>(sql`select count(*) as n from inbound_messages`)).rows[0]!.n);

function bounce(n: number, messageId = `<dsn-${n}@mx.example.net>`) {
  const returnPath = confirmationReturnPath(n);
  return { returnPath, message: fixture('postfix-5.1.1.eml', { returnPath, recipient: readers[n]!.email! }).replace('<20250915060211.4B7C21A0F3D@mx.example.net>', messageId) };
}

describe('recording and acting are one step', () => {
  it('takes a delivery report whose Message-ID holds a NUL: one row, one hard bounce (was 451 after counting it, with no row)', async () => {
    const { returnPath, message } = bounce(0, '<dsn\u0000nul@mx.example.net>');
    const session = await sendRaw(port, { from: '', to: [returnPath] }, message);
    expect(session.codes.end).toBe(250);
    expect((await subscriberNow(readers[0]!.id)).hardBounces).toBe(1);
    const records = await recordsAbout(readers[0]!.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'bounce', action: 'counted', messageId: '<dsnnul@mx.example.net>' });
  });

  it('takes a feedback report whose Feedback-Type holds a NUL (was 451 at every retry)', async () => {
    const before = await recordCount();
    const message = fixture('arf-complaint.eml', { returnPath: confirmationReturnPath(1), recipient: readers[1]!.email! }).replace('Feedback-Type: abuse', 'Feedback-Type: ab\u0000use-of-nul');
    const session = await sendRaw(port, { from: 'staff@hotmail.example', to: ['unsubscribe@example.org'] }, message);
    expect(session.codes.end).toBe(250);
    expect(await recordCount()).toBe(before + 1);
    const [last] = await database.db.select().from(inboundMessages).orderBy(desc(inboundMessages.id)).limit(1);
    expect(last!.note).not.toContain('\u0000');
  });

  it('changes nothing when the record cannot be written, so the sender retrying is counted once', async () => {
    const { returnPath, message } = bounce(2);
    // A real refusal from Postgres, as when the database fails between acting and recording.
    await database.db.execute(sql.raw(`create function refuse_inbound() returns trigger language plpgsql as $$ begin raise exception 'inbound_messages is refusing writes'; end $$;
      create trigger refuse_inbound before insert on inbound_messages for each row execute function refuse_inbound();`));
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await sendRaw(port, { from: '', to: [returnPath] }, message)).codes.end).toBe(451);
      }
      expect((await subscriberNow(readers[2]!.id)).hardBounces).toBe(0);
    } finally {
      await database.db.execute(sql.raw('drop trigger refuse_inbound on inbound_messages; drop function refuse_inbound();'));
    }
    expect((await sendRaw(port, { from: '', to: [returnPath] }, message)).codes.end).toBe(250);
    expect((await subscriberNow(readers[2]!.id)).hardBounces).toBe(1);
    expect(await recordsAbout(readers[2]!.id)).toHaveLength(1);
  });
});

describe('reports about mail without a delivery row', () => {
  it('count once per original message: the same report three times to a confirmation mail is one hard bounce, not a suppression', async () => {
    const { returnPath, message } = bounce(3);
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await sendRaw(port, { from: '', to: [returnPath] }, message)).codes.end).toBe(250);
    // Another report (another Message-ID) of the same mail counts no more.
    expect((await sendRaw(port, { from: '', to: [returnPath] }, bounce(3, '<another@mx.example.org>').message)).codes.end).toBe(250);
    expect((await subscriberNow(readers[3]!.id)).hardBounces).toBe(1);
    expect(await database.db.select().from(suppressions).where(eq(suppressions.emailKey, readers[3]!.emailKey!))).toEqual([]);
    expect((await recordsAbout(readers[3]!.id)).map((row) => row.action)).toEqual(['counted', 'ignored', 'ignored', 'ignored']);
  });

  it('count each different mail: a second confirmation mail that bounces counts again', async () => {
    const first = bounce(4);
    await sendRaw(port, { from: '', to: [first.returnPath] }, first.message);
    const other = returnPathFor({ tokenSecret, bounceDomain: env.BOUNCE_DOMAIN }, { kind: 'subscriber-mail', recipientId: readers[4]!.id, mailId: 99 })!;
    await sendRaw(port, { from: '', to: [other] }, fixture('postfix-5.1.1.eml', { returnPath: other, recipient: readers[4]!.email! }));
    expect((await subscriberNow(readers[4]!.id)).hardBounces).toBe(2);
  });
});

describe('stored fields', () => {
  it('are clipped: a 900,000-character Feedback-Type is not stored whole', async () => {
    const message = fixture('arf-complaint.eml', { returnPath: confirmationReturnPath(5), recipient: readers[5]!.email! }).replace('Feedback-Type: abuse', `Feedback-Type: ${'x'.repeat(900_000)}`);
    const session = await sendRaw(port, { from: 'staff@hotmail.example', to: ['unsubscribe@example.org'] }, message);
    expect(session.codes.end).toBe(250);
    const [last] = await database.db.select().from(inboundMessages).orderBy(desc(inboundMessages.id)).limit(1);
    expect(last!.note!.length).toBeLessThanOrEqual(500);
    expect(last!.note).toMatch(/^feedback report of type x+$/);
  });
});

/** A bare connection: its greeting's code, and a promise that resolves (with the last reply) when the server hangs up. */
async function connectFrom(port: number, localAddress: string) {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  socket.setEncoding('utf8');
  const replies: string[] = [];
  const closed = new Promise<string | undefined>((resolve) => socket.on('close', () => resolve(replies.at(-1))));
  const greeting = await new Promise<number>((resolve) => {
    socket.on('data', (data: string) => {
      replies.push(...data.split('\r\n').filter(Boolean));
      resolve(Number(replies[0]!.slice(0, 3)));
    });
    socket.on('close', () => resolve(0));
  });
  return { socket, greeting, closed, replies };
}

describe('one client cannot hold the server', () => {
  it('gets at most INBOUND_MAX_CONNECTIONS_PER_IP connections, and another client still gets in', async () => {
    const { server } = await startTestInbound(database, harness, { maxConnections: 10, maxConnectionsPerIp: 3 });
    const held = [];
    for (let n = 0; n < 3; n += 1) held.push(await connectFrom(server.port, '127.0.0.1'));
    expect(held.map((connection) => connection.greeting)).toEqual([220, 220, 220]);
    const fourth = await connectFrom(server.port, '127.0.0.1');
    expect(fourth.greeting).toBe(421);
    const other = await connectFrom(server.port, '127.0.0.2');
    expect(other.greeting).toBe(220);
    for (const connection of [...held, fourth, other]) connection.socket.destroy();
  });

  it('is closed at the session time limit however often it sends NOOP', async () => {
    const { server } = await startTestInbound(database, harness, { sessionMs: 1500 });
    const connection = await connectFrom(server.port, '127.0.0.3');
    const started = Date.now();
    connection.socket.write('EHLO client.example.net\r\n');
    const noop = setInterval(() => connection.socket.write('NOOP\r\n'), 200);
    const last = await Promise.race([connection.closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open after 5 s'), 5000))]);
    clearInterval(noop);
    connection.socket.destroy();
    expect(last).toMatch(/^421 .*Session time limit/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});
