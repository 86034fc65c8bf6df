import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { feedDeliveries, feedRecipients, inboundMessages } from '../../src/db/schema/index.js';
import { readReturnPath } from '../../src/mail/return-path.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { createPartner, requestFeed } from '../feeds/fixtures.js';
import { fixture, sendRaw, startTestInbound, unsubscribeTokenOf } from './support.js';

const settings = { tokenSecret, bounceDomain: 'bounces.example.org' };
const env = { BOUNCE_DOMAIN: settings.bounceDomain, MAIL_FROM: 'Council Digest <digest@example.org>' };
const addresses = ['ann@feeds.example.org', 'bob@feeds.example.org'];

let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;
let port: number;
/** What each recipient was mailed: the confirmation, then the week's digest. */
const mailed = new Map<string, { confirmation: string; digest: string; token: string }>();

async function recipient(email: string) {
  const [row] = await database.db.select().from(feedRecipients).where(eq(feedRecipients.email, email));
  return row!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, { env });
  app = await createDigestApp(database, harness);
  port = (await startTestInbound(database, harness)).server.port;
  const partner = await createPartner(app, 'Herts Partnership');
  const { feed } = await requestFeed(app, partner.key, { name: 'Everything', councils: [], committees: [], topics: [], keywords: [], recipients: addresses });
  expect((await app.inject({ method: 'POST', url: `/api/admin/feed-requests/${feed.id}/approve`, headers: adminHeaders, payload: { note: 'Yes.' } })).statusCode).toBe(200);
  // The partner's notice, and a confirmation to each recipient from the approval's job.
  await harness.smtp.waitFor(1 + addresses.length);
  const confirmations = new Map(addresses.map((address) => [address, harness.smtp.to(address)[0]!]));
  for (const mail of confirmations.values()) {
    const link = /https:\/\/digest\.example\.org(\/feeds\/confirm\/\S+)/.exec(mail.parsed.text ?? '')![1]!;
    expect((await app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
  }
  harness.smtp.reset();
  await runWeek(database, harness, '2025-09-08');
  for (const address of addresses) {
    const digest = harness.smtp.to(address)[0]!;
    mailed.set(address, { confirmation: confirmations.get(address)!.envelope.from, digest: digest.envelope.from, token: unsubscribeTokenOf(digest) });
  }
});

describe("a partner feed's mail and what comes back", () => {
  it('goes out with return paths naming the feed recipient: its confirmation, and its digest by delivery', async () => {
    const ann = await recipient('ann@feeds.example.org');
    const [delivery] = await database.db.select().from(feedDeliveries).where(eq(feedDeliveries.recipientId, ann.id));
    expect(readReturnPath(settings, mailed.get(ann.email)!.confirmation)).toEqual({ kind: 'feed-confirm', recipientId: ann.id, mailId: 0 });
    expect(readReturnPath(settings, mailed.get(ann.email)!.digest)).toEqual({ kind: 'feed-digest', recipientId: ann.id, mailId: delivery!.id });
  });

  it("counts a DSN for a feed digest against that recipient and the run", async () => {
    const ann = await recipient('ann@feeds.example.org');
    const returnPath = mailed.get(ann.email)!.digest;
    await sendRaw(port, { from: '', to: [returnPath] }, fixture('postfix-5.1.1.eml', { returnPath, recipient: ann.email }));
    expect((await recipient(ann.email)).hardBounces).toBe(1);
    const [record] = await database.db.select().from(inboundMessages).where(eq(inboundMessages.recipientId, ann.id));
    expect(record).toMatchObject({ audience: 'feed recipient', kind: 'bounce', action: 'counted', runId: expect.any(Number) });
  });

  it("unsubscribes a feed recipient by the mailto of the feed digest's List-Unsubscribe", async () => {
    const { token } = mailed.get('bob@feeds.example.org')!;
    await sendRaw(port, { from: 'bob@feeds.example.org', to: ['unsubscribe@example.org'] }, fixture('mailto-unsubscribe.eml', { recipient: 'bob@feeds.example.org', unsubscribeToken: token }));
    expect((await recipient('bob@feeds.example.org')).status).toBe('unsubscribed');
  });
});
