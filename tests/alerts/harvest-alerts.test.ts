import { readFileSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertVolume } from '../../src/alerts/volume.js';
import type { Database } from '../../src/db/client.js';
import { alertCommittees, alertMails, alerts, committees, follows, meetings } from '../../src/db/schema/index.js';
import { followKeyOf } from '../../src/follows/match.js';
import { startHarvests } from '../../src/harvest/processors.js';
import { createSource, listHarvests } from '../../src/harvest/repo.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import type { JobQueue } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';
import { readReturnPath } from '../../src/mail/return-path.js';
import { createSmtpMailer } from '../../src/mail/transport.js';
import { dailyAlertsScheduleId, schedules, startWork, type Wiring } from '../../src/main/wiring.js';
import { testConfig, wireForTest } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, xml, type ModernGovSite } from '../helpers/moderngov-site.js';
import { redisPrefix, testRedisUrl } from '../helpers/redis.js';
import { rawHeader, startSmtpSink, type CapturedMail, type SmtpSink } from '../helpers/smtp.js';
import { addSubscriber, type SubscriberRow } from '../helpers/subscribers.js';

const prefix = redisPrefix();
const logger = createLogger({ level: 'silent' });
const fixture = (name: string) => readFileSync(new URL(`../fixtures/moderngov/${name}`, import.meta.url), 'utf8');

/** The agenda of meeting 1003 (Children's Social Care Cabinet Panel, 15 July 2025) as a Cabinet meeting of another id and day. */
const cabinetCopy = (id: number, day: string) => xml(fixture('meeting-1003.xml').replace(/<meetingid>1003</g, `<meetingid>${id}<`).replace(/15\/07\/2025/g, day));
const cabinetMeetings = (extra: { id: number; day: string }[]) =>
  xml(
    fixture('meetings-170.xml').replace(
      '</committeemeetings>',
      `${extra.map(({ id, day }) => `  <meeting>\n        <meetingid>${id}</meetingid>\n        <meetingdate>${day}</meetingdate>\n        <meetingstatus>Confirmed</meetingstatus>\n        <meetingtime>6.30 pm</meetingtime>\n      </meeting>\n`).join('')}    </committeemeetings>`,
    ),
  );

/** Waits until every queue is idle (nothing waiting, active or delayed) a few polls running. */
async function quiet(queue: JobQueue, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  while (calm < 4) {
    if (Date.now() > deadline) throw new Error(`queues still busy: ${JSON.stringify((await queue.depth()).filter((row) => row.count && row.state !== 'failed'))}`);
    const busy = (await queue.depth()).some((row) => row.count > 0 && row.state !== 'failed');
    calm = busy ? 0 : calm + 1;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface World {
  database: Database;
  sink: SmtpSink;
  site: ModernGovSite;
  wiring: Wiring;
  queue: JobQueue;
  clock: { now: Date };
  sourceId: number;
}

async function world(env: Record<string, string> = {}): Promise<World> {
  const database = await createTestDatabase();
  const sink = await startSmtpSink();
  const site = await startModernGovSite();
  const clock = { now: new Date('2025-07-08T09:00:00Z') };
  const config = testConfig(database, { REDIS_URL: testRedisUrl, QUEUE_PREFIX: prefix, HARVEST_PAUSE_MS: '0', BOUNCE_DOMAIN: 'bounces.example.org', MAIL_FROM: 'Council Digest <digest@news.example.org>', ...env });
  const queue = createBullQueue({ url: testRedisUrl, prefix: `${prefix}-${env.ALERTS_ENABLED ?? 'on'}`, logger });
  const mailer = createSmtpMailer({ url: sink.url, from: config.MAIL_FROM });
  const wiring = await wireForTest(config, database, { queue, mailer, now: () => clock.now });
  await startWork(wiring, { groups: ['harvests', 'alerts'] });
  const source = await createSource(database.db, { council: 'Hertfordshire County Council', kind: 'moderngov', url: site.url });
  return { database, sink, site, wiring, queue, clock, sourceId: source.id };
}

async function harvest(w: World) {
  const [queued] = await startHarvests(w.wiring.harvest, { sourceIds: [w.sourceId], trigger: 'test' });
  for (let tries = 0; tries < 300; tries += 1) {
    const [latest] = await listHarvests(w.database.db, { sourceId: w.sourceId, limit: 1 });
    if (latest?.id === queued!.id && (latest.status === 'finished' || latest.status === 'failed')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await quiet(w.queue);
  const [done] = await listHarvests(w.database.db, { sourceId: w.sourceId, limit: 1 });
  return done!;
}

/** A follow made as following the item would make it: its key from followKeyOf. */
async function follow(w: World, subscriber: SubscriberRow, heading: string, options: { alerts?: boolean } = {}) {
  const key = followKeyOf({ heading, text: '', council: 'hertfordshire-county-council' })!;
  await w.database.db.insert(follows).values({ subscriberId: subscriber.id, ...key, label: heading, alerts: options.alerts ?? true });
}

/** The meetings (by their committee and day) an alert mail lists, from its plain text. */
function meetingsIn(mail: CapturedMail): string[] {
  return [...(mail.parsed.text ?? '').matchAll(/^When: (.+)$/gm)].map((match) => match[1]!);
}

describe('alerts after a harvest', () => {
  let w: World;
  let anna: SubscriberRow;
  let ben: SubscriberRow;
  let cara: SubscriberRow;
  let dev: SubscriberRow;
  let eve: SubscriberRow;

  beforeAll(async () => {
    w = await world();
    anna = await addSubscriber(w.database.db, { email: 'anna@example.org' });
    ben = await addSubscriber(w.database.db, { email: 'ben@example.org' });
    cara = await addSubscriber(w.database.db, { email: 'cara@example.org' });
    dev = await addSubscriber(w.database.db, { email: 'dev@example.org' });
    eve = await addSubscriber(w.database.db, { email: 'eve@example.org', status: 'paused' });
    await follow(w, anna, 'Ofsted focused visit: children in care');
    await follow(w, ben, '2. Care leavers local offer');
    // Alerts switched off for this follow: the digest still shows it, no alert is mailed.
    await follow(w, dev, 'Ofsted focused visit: children in care', { alerts: false });
    await follow(w, eve, 'Ofsted focused visit: children in care');
  });
  afterAll(async () => {
    await w.wiring.close();
    await w.site.close();
  });

  it('mail one alert as soon as a harvest publishes an agenda listing a followed item: what, when, where, its agenda text and papers, how to speak, the calendar link', async () => {
    const done = await harvest(w);
    expect(done).toMatchObject({ status: 'finished' });
    const mails = w.sink.to('anna@example.org');
    expect(mails).toHaveLength(1);
    const [mail] = mails as [CapturedMail];
    const text = mail.parsed.text!;
    expect(mail.parsed.subject).toBe("Agenda published: Children's Social Care Cabinet Panel, 15 July");
    expect(text).toContain("Children's Social Care Cabinet Panel, Hertfordshire County Council");
    expect(text).toContain('When: Tuesday 15 July 2025 at 6:30 pm');
    expect(text).toContain('Where: Council Chamber, County Hall, Pegs Lane, Hertford, SG13 8DE');
    expect(text).toContain('You follow “Ofsted focused visit: children in care”.');
    expect(text).toContain('1. Ofsted focused visit: children in care\n----');
    expect(text).toContain('The findings of the Ofsted focused visit in May 2025, and the action plan that answers them.');
    expect(text).toContain('Papers:\n  - Ofsted focused visit letter: https://democracy.hertfordshire.gov.uk/mgConvert2PDF.aspx?ID=62001');
    expect(text).toContain('The public may speak on this item.');
    expect(text).toContain("The council's site says the public may speak on this item. To register to speak, or to attend, follow the council's page for the meeting");
    expect(text).toMatch(/The meeting on the council's site: http:\/\/127\.0\.0\.1:\d+\/moderngov\/ieListDocuments\.aspx\?CId=160&MId=1003/);
    // Only the followed item: the panel's other item is not Anna's.
    expect(text).not.toContain('Care leavers local offer');
    expect(text).toMatch(/Your calendar of the meetings you follow: https:\/\/digest\.example\.org\/calendar\/[\w.-]+\.ics/);
    expect(mail.parsed.html).toMatch(/href="webcal:\/\/digest\.example\.org\/calendar\/[\w.-]+\.ics"/);
    expect(mail.parsed.html).toContain('href="https://democracy.hertfordshire.gov.uk/mgConvert2PDF.aspx?ID&#x3D;62001"');

    // The digests' headers: one-click unsubscribe, the mailto twin, and a VERP return path naming this alert mail.
    expect(rawHeader(mail, 'List-Unsubscribe')).toMatch(/^<https:\/\/digest\.example\.org\/unsubscribe\/[\w.-]+>, <mailto:unsubscribe@news\.example\.org\?subject=unsubscribe%20[\w.-]+>$/);
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(rawHeader(mail, 'List-Id')).toBe('Council Digest alerts <alerts.news.example.org>');
    expect(mail.parsed.messageId).toBe(`<alert.${anna.publicId}.2025-07-08@news.example.org>`);
    const [row] = await w.database.db.select().from(alertMails).where(eq(alertMails.subscriberId, anna.id));
    expect(row).toMatchObject({ status: 'sent', day: '2025-07-08', meetings: 1 });
    expect(readReturnPath({ tokenSecret: w.wiring.tokenSecret, bounceDomain: 'bounces.example.org' }, mail.envelope.from)).toEqual({ kind: 'alert', recipientId: anna.id, mailId: row!.id });

    expect(w.sink.to('ben@example.org')).toHaveLength(1);
    expect(w.sink.to('ben@example.org')[0]!.parsed.text).toContain('2. Care leavers local offer');
    // A follow with alerts off, and a paused subscriber, get nothing.
    expect(w.sink.to('dev@example.org')).toEqual([]);
    expect(w.sink.to('eve@example.org')).toEqual([]);
    expect(w.sink.messages).toHaveLength(2);
  });

  it('mail nothing more when a later harvest brings the same meeting again, even with its agenda changed', async () => {
    w.site.route('GetMeeting:1003', xml(fixture('meeting-1003.xml').replace('the action plan that answers them.', 'the action plan that answers them, with £2.4m for more social workers.')));
    w.clock.now = new Date('2025-07-08T11:00:00Z');
    const done = await harvest(w);
    expect(done.updated).toBeGreaterThan(0);
    expect(w.sink.messages).toHaveLength(2);
    const [counted] = await w.database.db.select({ n: sql<number>`count(*)::int` }).from(alerts);
    expect(counted!.n).toBe(2);
  });

  it('gather what a later harvest the same day brings into the next day’s one mail; a committee opt-in is mailed at once, both its meetings in one mail', async () => {
    const [cabinet] = await w.database.db.select().from(committees).where(eq(committees.name, 'Cabinet'));
    await w.database.db.insert(alertCommittees).values({ subscriberId: cara.id, committeeId: cabinet!.id });
    w.site.route('GetMeetings:170', cabinetMeetings([{ id: 2003, day: '29/07/2025' }, { id: 2004, day: '05/08/2025' }]));
    w.site.route('GetMeeting:2003', cabinetCopy(2003, '29/07/2025'));
    w.site.route('GetMeeting:2004', cabinetCopy(2004, '05/08/2025'));
    w.clock.now = new Date('2025-07-08T14:00:00Z');
    await harvest(w);

    // Anna and Ben had today's alert: the two new Cabinet meetings wait for tomorrow.
    expect(w.sink.to('anna@example.org')).toHaveLength(1);
    expect(w.sink.to('ben@example.org')).toHaveLength(1);
    const waiting = await w.database.db.select().from(alerts).where(and(eq(alerts.subscriberId, anna.id), sql`${alerts.mailId} is null`));
    expect(waiting).toHaveLength(2);
    // Cara opted in to the Cabinet: one mail now with both agendas, whole.
    const [caras] = w.sink.to('cara@example.org') as [CapturedMail];
    expect(caras.parsed.subject).toBe('2 new agendas list what you follow');
    expect(meetingsIn(caras)).toEqual(['Tuesday 29 July 2025 at 6:30 pm', 'Tuesday 5 August 2025 at 6:30 pm']);
    expect(caras.parsed.text).toContain('You asked for every new agenda of Cabinet.');
    expect(caras.parsed.text).toContain('1. Ofsted focused visit: children in care');
    expect(caras.parsed.text).toContain('2. Care leavers local offer');

    // The next morning's daily pass: one mail each, carrying both meetings.
    w.clock.now = new Date('2025-07-09T06:00:00Z');
    await w.queue.add({ name: 'alert-pass', data: { trigger: 'schedule' }, jobId: 'daily-2025-07-09' });
    await quiet(w.queue);
    for (const email of ['anna@example.org', 'ben@example.org']) {
      const mails = w.sink.to(email);
      expect(mails).toHaveLength(2);
      expect(meetingsIn(mails[1]!)).toEqual(['Tuesday 29 July 2025 at 6:30 pm', 'Tuesday 5 August 2025 at 6:30 pm']);
      expect(mails[1]!.parsed.messageId).toMatch(/\.2025-07-09@news\.example\.org>$/);
    }
    expect(w.sink.to('cara@example.org')).toHaveLength(1);
    expect(w.sink.messages).toHaveLength(5);
  });

  it('never give one subscriber two different mails about the same meeting, and keep one alert per subscriber and meeting', async () => {
    w.clock.now = new Date('2025-07-09T10:00:00Z');
    await harvest(w);
    await w.queue.add({ name: 'alert-pass', data: { trigger: 'schedule' }, jobId: 'daily-again' });
    await quiet(w.queue);
    expect(w.sink.messages).toHaveLength(5);
    const seen = new Map<string, string>();
    for (const mail of w.sink.messages) {
      for (const when of meetingsIn(mail)) {
        const key = `${mail.envelope.to[0]} ${when}`;
        expect(seen.get(key) ?? mail.parsed.messageId, key).toBe(mail.parsed.messageId);
        seen.set(key, mail.parsed.messageId!);
      }
    }
    const perPair = await w.database.db.execute<{ n: number }>(sql`select count(*)::int as n from alerts group by subscriber_id, meeting_id having count(*) > 1`);
    expect(perPair.rows).toEqual([]);
    const volume = await w.wiring.metrics.registry.getSingleMetricAsString('alert_mails_sent_total');
    expect(volume).toContain('alert_mails_sent_total 5');
    expect(await w.wiring.metrics.registry.getSingleMetricAsString('alerts_recorded_total')).toMatch(/alerts_recorded_total\{reason="committee"\} 2/);
    // The console's dashboard counts by the database's clock (sent_at, created_at), as digests' deliveries are stamped.
    expect(await alertVolume(w.database.db, new Date())).toMatchObject({ recorded: { day: 8, week: 8 }, sent: { day: 5, week: 5 }, failed: 0 });
  });
});

describe('with ALERTS_ENABLED=false', () => {
  it('records and mails nothing after a harvest, and keeps no daily schedule', async () => {
    const w = await world({ ALERTS_ENABLED: 'false' });
    try {
      const anna = await addSubscriber(w.database.db, { email: 'anna@example.org' });
      await follow(w, anna, 'Ofsted focused visit: children in care');
      const done = await harvest(w);
      expect(done.created).toBeGreaterThan(0);
      await w.queue.add({ name: 'alert-pass', data: { trigger: 'api', meetingIds: (await w.database.db.select({ id: meetings.id }).from(meetings)).map((row) => row.id) }, jobId: 'forced' });
      await quiet(w.queue);
      expect(w.sink.messages).toEqual([]);
      expect(await w.database.db.select().from(alerts)).toEqual([]);
      expect(schedules(w.wiring.config).map((schedule) => schedule.id)).not.toContain(dailyAlertsScheduleId);
    } finally {
      await w.wiring.close();
      await w.site.close();
    }
  });
});
