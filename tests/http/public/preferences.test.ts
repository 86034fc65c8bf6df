import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { subscribers } from '../../../src/db/schema/index.js';
import { seedDatabase } from '../../../src/harvest/seed.js';
import { filterKey } from '../../../src/subscribers/filters.js';
import { subscriberLinks } from '../../../src/subscribers/links.js';
import { signToken } from '../../../src/tokens/signed-links.js';
import { createTestApp, tokenSecret } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { formActions, formTokenIn, pageText, postForm, submitFrom } from '../../subscribers/helpers.js';

let app: FastifyInstance;
let database: Database;

type Row = typeof subscribers.$inferSelect;

/** A subscriber stored directly, as a confirmed one would be. */
async function subscriber(email: string, values: Partial<Row> = {}): Promise<Row> {
  const [row] = await database.db
    .insert(subscribers)
    .values({ email, emailKey: email, status: 'active', confirmedAt: new Date(), topics: ['housing'], filterKey: filterKey({ topics: ['housing'] }), ...values })
    .returning();
  return row!;
}

async function reload(row: Row): Promise<Row> {
  const [fresh] = await database.db.select().from(subscribers).where(eq(subscribers.id, row.id));
  return fresh!;
}

const paths = (row: Row) => subscriberLinks('', tokenSecret, row);
const get = (url: string) => app.inject({ method: 'GET', url });

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  app = await createTestApp(database);
});

describe('the preference centre', () => {
  it('shows the address, the status and the current choices, ticked', async () => {
    const row = await subscriber('prefs@example.org', { topics: ['housing', 'transport'], keywords: ['bus lanes'] });
    const response = await get(paths(row).manage());
    expect(response.statusCode).toBe(200);
    const text = pageText(response.body);
    expect(text).toContain('Digests for prefs@example.org');
    expect(text).toContain('You get a digest every Monday');
    expect(response.body).toContain('value="housing" checked');
    expect(response.body).toContain('value="transport" checked');
    expect(response.body).toContain('value="bus lanes"');
    // Choices, alerts (alert committees), pause, unsubscribe.
    expect(formActions(response.body)).toEqual([paths(row).manage(), paths(row).manage(), paths(row).manage(), paths(row).unsubscribe()]);
  });

  it('saves changed filters', async () => {
    const row = await subscriber('change@example.org');
    const response = await submitFrom(app, paths(row).manage(), paths(row).manage(), {
      action: 'save',
      councils: 'hertfordshire',
      topics: ['care-leavers', 'education'],
      keywords: 'SEND transport',
    });
    expect(response.statusCode).toBe(200);
    expect(pageText(response.body)).toContain('Your choices are saved');
    const saved = await reload(row);
    expect(saved).toMatchObject({ councils: ['hertfordshire'], topics: ['care-leavers', 'education'], keywords: ['send transport'] });
    expect(saved.filterKey).toBe(filterKey({ councils: ['hertfordshire'], topics: ['care-leavers', 'education'], keywords: ['send transport'] }));
  });

  it('keeps the old filters and explains when the new ones name an unknown topic (422)', async () => {
    const row = await subscriber('typo-prefs@example.org');
    const response = await submitFrom(app, paths(row).manage(), paths(row).manage(), { action: 'save', topics: 'housin' });
    expect(response.statusCode).toBe(422);
    expect(pageText(response.body)).toContain("We don't recognise these topics: housin");
    expect((await reload(row)).topics).toEqual(['housing']);
  });

  it('pauses and resumes the digest', async () => {
    const row = await subscriber('pause@example.org');
    const paused = await submitFrom(app, paths(row).manage(), paths(row).manage(), { action: 'pause' });
    expect(pageText(paused.body)).toContain('Your digest is paused');
    expect((await reload(row)).status).toBe('paused');
    expect(paused.body).toContain('value="resume"');

    const resumed = await submitFrom(app, paths(row).manage(), paths(row).manage(), { action: 'resume' });
    expect(pageText(resumed.body)).toContain('Your digest is back on');
    expect((await reload(row)).status).toBe('active');
  });

  it('shows their calendar as a webcal:// link and the .ics address, with how to add it, and the address answers as a calendar', async () => {
    const row = await subscriber('calendar@example.org', { councils: ['hertfordshire'] });
    const page = (await get(paths(row).manage())).body;
    const ics = subscriberLinks('https://digest.example.org', tokenSecret, row).calendar();
    expect(page).toContain(`<a class="button secondary" href="${ics.replace('https://', 'webcal://')}">Subscribe in your calendar app</a>`);
    expect(page).toContain(`<a href="${ics}" class="calendar-address">${ics}</a>`);
    const text = pageText(page);
    expect(text).toContain('Meetings in your calendar');
    expect(text).toContain('Or add this address as a calendar from a URL (Google Calendar: Other calendars, +, From URL');
    const feed = await get(new URL(ics).pathname);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
  });

  it('shows the calendar while paused, when its link still works, and not once unsubscribed, when it answers 410', async () => {
    const paused = await subscriber('calendar-paused@example.org', { status: 'paused' });
    expect((await get(paths(paused).manage())).body).toContain('Subscribe in your calendar app');
    const gone = await subscriber('calendar-gone@example.org', { status: 'unsubscribed', tokenVersion: 2 });
    const page = await get(paths(gone).manage());
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Subscribe in your calendar app');
    expect(page.body).not.toMatch(/\/calendar\/|webcal:/);
  });

  it('refuses a post without its form token, or with the token of another form (403), and changes nothing', async () => {
    const row = await subscriber('csrf-prefs@example.org');
    const home = await get('/');
    const borrowed = formTokenIn(home.body, '/subscribe');
    expect((await postForm(app, paths(row).manage(), { action: 'pause' })).statusCode).toBe(403);
    expect((await postForm(app, paths(row).manage(), { action: 'pause', _csrf: borrowed })).statusCode).toBe(403);
    expect((await reload(row)).status).toBe('active');
  });
});

describe('unsubscribing', () => {
  it('shows one button on GET and unsubscribes nobody (link scanners fetch links)', async () => {
    const row = await subscriber('scanned@example.org');
    for (let visit = 0; visit < 3; visit += 1) {
      const response = await get(paths(row).unsubscribe());
      expect(response.statusCode).toBe(200);
      expect(response.body.match(/<button/g)).toHaveLength(1);
    }
    expect((await reload(row)).status).toBe('active');
  });

  it('unsubscribes on POST, kills every earlier link, and offers one-click re-subscription', async () => {
    const row = await subscriber('leaver@example.org', { topics: ['education'] });
    const before = paths(row);
    const response = await submitFrom(app, before.unsubscribe(), before.unsubscribe(), {});
    expect(response.statusCode).toBe(200);
    expect(pageText(response.body)).toContain("You're unsubscribed");
    const left = await reload(row);
    expect(left).toMatchObject({ status: 'unsubscribed', tokenVersion: row.tokenVersion + 1 });
    expect(left.unsubscribedAt).toBeInstanceOf(Date);

    for (const old of [before.manage(), before.unsubscribe()]) {
      const dead = await get(old);
      expect(dead.statusCode).toBe(400);
      expect(pageText(dead.body)).toContain('This link no longer works');
    }

    const [resubscribe] = formActions(response.body);
    expect(resubscribe).toMatch(/^\/resubscribe\//);
    // Opening that URL directly shows the button again and changes nothing.
    expect(pageText((await get(resubscribe!)).body)).toContain('Unsubscribed by mistake?');
    expect((await reload(row)).status).toBe('unsubscribed');
    const back = await postForm(app, resubscribe!, { _csrf: formTokenIn(response.body, resubscribe!) });
    expect(back.statusCode).toBe(200);
    expect(pageText(back.body)).toContain("You're subscribed again");
    expect(await reload(row)).toMatchObject({ status: 'active', unsubscribedAt: null, topics: ['education'] });
  });

  it('accepts the RFC 8058 one-click POST with no form token, cookie or Origin', async () => {
    const row = await subscriber('oneclick@example.org');
    const response = await app.inject({
      method: 'POST',
      url: paths(row).unsubscribe(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(response.statusCode).toBe(200);
    expect((await reload(row)).status).toBe('unsubscribed');
  });

  it('accepts the one-click POST sent as multipart/form-data', async () => {
    const row = await subscriber('multipart@example.org');
    const boundary = '----council';
    const response = await app.inject({
      method: 'POST',
      url: paths(row).unsubscribe(),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(response.statusCode).toBe(200);
    expect((await reload(row)).status).toBe('unsubscribed');
  });

  it('refuses a plain POST without the form token (403)', async () => {
    const row = await subscriber('plainpost@example.org');
    const response = await postForm(app, paths(row).unsubscribe(), {});
    expect(response.statusCode).toBe(403);
    expect((await reload(row)).status).toBe('active');
  });

  it('lets an unsubscribed address re-subscribe from a fresh manage link', async () => {
    const row = await subscriber('returning@example.org', { status: 'unsubscribed', tokenVersion: 2 });
    const page = await get(paths(row).manage());
    expect(pageText(page.body)).toContain("You're unsubscribed");
    const response = await submitFrom(app, paths(row).manage(), paths(row).manage(), { action: 'resubscribe' });
    expect(pageText(response.body)).toContain("You're subscribed again");
    expect((await reload(row)).status).toBe('active');
  });
});

describe('bad links', () => {
  const cases: [string, () => Promise<string>, string][] = [
    ['a forged token', async () => `/preferences/${signToken('another-secret-0123456789abcdef0123', { purpose: 'manage', subject: (await subscriber('forged@example.org')).publicId, version: 1 })}`, "This link doesn't work"],
    [
      'an altered token',
      async () => {
        const [payload, signature] = paths(await subscriber('altered@example.org')).manage().split('/')[2]!.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        const other = await subscriber('victim@example.org');
        return `/preferences/${Buffer.from(JSON.stringify({ ...claims, s: other.publicId })).toString('base64url')}.${signature}`;
      },
      "This link doesn't work",
    ],
    ['a token for another page', async () => paths(await subscriber('purpose@example.org')).manage().replace('/preferences/', '/unsubscribe/'), "This link doesn't work"],
    ['a damaged token', async () => '/preferences/abc.def', "This link doesn't work"],
    [
      'an expired confirmation link',
      async () => {
        const row = await subscriber('late@example.org', { status: 'pending', confirmedAt: null });
        return `/confirm/${signToken(tokenSecret, { purpose: 'confirm', subject: row.publicId, version: row.tokenVersion, expiresAt: Math.floor(Date.now() / 1000) - 60 })}`;
      },
      'This confirmation link has expired',
    ],
  ];

  it.each(cases)('answers %s with a clear 400 page that reveals nobody', async (_name, url, title) => {
    const response = await get(await url());
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const text = pageText(response.body);
    expect(text).toContain(title);
    expect(text).not.toMatch(/@example\.org/);
  });

  it('offers a fresh sign-up from an expired confirmation link, and the pending address stays pending', async () => {
    const row = await subscriber('expired@example.org', { status: 'pending', confirmedAt: null });
    const url = `/confirm/${signToken(tokenSecret, { purpose: 'confirm', subject: row.publicId, version: row.tokenVersion, expiresAt: 1 })}`;
    const response = await get(url);
    expect(response.body).toContain('<a class="button" href="/">Sign up again</a>');
    expect((await reload(row)).status).toBe('pending');
  });
});
