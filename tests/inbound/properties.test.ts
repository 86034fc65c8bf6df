import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { subscribers } from '../../src/db/schema/index.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { addSubscribers, type SubscriberRow } from '../helpers/subscribers.js';
import { fixture, sendRaw, startTestInbound, unsubscribeTokenOf } from './support.js';

const env = { BOUNCE_DOMAIN: 'bounces.example.org', MAIL_FROM: 'Council Digest <digest@example.org>' };

let database: Database;
let harness: DigestHarness;
let port: number;
let readers: SubscriberRow[];
let returnPaths: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, { env });
  readers = await addSubscribers(database.db, 4);
  await runWeek(database, harness, '2025-09-08');
  returnPaths = readers.map((reader) => harness.smtp.to(reader.email!)[0]!.envelope.from);
  port = (await startTestInbound(database, harness)).server.port;
});

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Text shaped like a link token (payload.signature) that our key never signed. */
const tokenLike = fc
  .tuple(fc.string({ unit: fc.constantFrom(...base64url), minLength: 20, maxLength: 120 }), fc.string({ unit: fc.constantFrom(...base64url), minLength: 43, maxLength: 43 }))
  .map(([payload, signature]) => `${payload}.${signature}`);
const words = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), tokenLike, fc.constantFrom('unsubscribe', 'Status: 5.1.1', 'Status: 4.4.7', 'Action: failed', 'Feedback-Type: abuse', '.', '..', '--b1', '--b1--'));
const boundary = fc.constantFrom('b1', 'b2', '', '"quoted boundary"', '=_weird;');
const headerName = fc.constantFrom('Subject', 'From', 'To', 'Content-Type', 'Content-Transfer-Encoding', 'Auto-Submitted', 'Precedence', 'MIME-Version', 'X-Anything', 'Message-ID', 'Return-Path', 'List-Unsubscribe');
const contentType = fc.oneof(
  fc.constantFrom('text/plain', 'text/html; charset=utf-8', 'message/rfc822', 'message/delivery-status', 'message/feedback-report', 'text/rfc822-headers', 'application/octet-stream'),
  boundary.chain((b) => fc.constantFrom(`multipart/report; report-type=delivery-status; boundary=${b}`, `multipart/report; report-type=feedback-report; boundary=${b}`, `multipart/mixed; boundary=${b}`, 'multipart/report')),
);
const header = fc.oneof(fc.tuple(headerName, words), fc.tuple(fc.constant('Content-Type'), contentType)).map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, ' ')}`);
const part = fc.tuple(fc.array(header, { maxLength: 4 }), fc.array(words, { maxLength: 8 })).map(([headers, lines]) => `${headers.join('\r\n')}\r\n\r\n${lines.join('\r\n')}`);
/** Arbitrary MIME: headers, then a body of text, parts between boundaries that may or may not match, and stray bytes. */
const mime = fc
  .tuple(fc.array(header, { maxLength: 8 }), fc.array(fc.oneof(part, words), { maxLength: 6 }), boundary)
  .map(([headers, parts, b]) => `${headers.join('\r\n')}\r\n\r\n${parts.map((body) => `--${b.replace(/"/g, '')}\r\n${body}`).join('\r\n')}\r\n`);

describe('arbitrary MIME into the inbound server', () => {
  it('never breaks the server and never unsubscribes anyone without a genuine token', async () => {
    const before = await database.db.select({ id: subscribers.id, status: subscribers.status, tokenVersion: subscribers.tokenVersion }).from(subscribers).orderBy(subscribers.id);
    await fc.assert(
      fc.asyncProperty(mime, fc.integer({ min: 0, max: readers.length }), async (message, to) => {
        const recipient = to === readers.length ? 'unsubscribe@example.org' : returnPaths[to]!;
        const session = await sendRaw(port, { from: 'fuzz@example.net', to: [recipient] }, message);
        // Handled (250) or refused for cause (5xx); never a hang-up, never "try later" for a message we could read.
        expect([250, 550, 552, 554]).toContain(session.codes.end);
      }),
      { numRuns: 100 },
    );
    const after = await database.db.select({ id: subscribers.id, status: subscribers.status, tokenVersion: subscribers.tokenVersion }).from(subscribers).orderBy(subscribers.id);
    expect(after).toEqual(before);

    // And it still works: a genuine token unsubscribes.
    const token = unsubscribeTokenOf(harness.smtp.to(readers[0]!.email!)[0]!);
    await sendRaw(port, { from: readers[0]!.email!, to: ['unsubscribe@example.org'] }, fixture('mailto-unsubscribe.eml', { recipient: readers[0]!.email!, unsubscribeToken: token }));
    const [row] = await database.db.select().from(subscribers).where(sql`${subscribers.id} = ${readers[0]!.id}`);
    expect(row!.status).toBe('unsubscribed');
  }, 120_000);
});
