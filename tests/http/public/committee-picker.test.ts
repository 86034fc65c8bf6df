import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../src/db/client.js';
import { findMeetings } from '../../../src/meetings/queries.js';
import { createTestApp } from '../../helpers/app.js';
import { seedCouncilsWithCommittees } from '../../helpers/committees.js';
import { createTestDatabase } from '../../helpers/db.js';
import { formTokenIn } from '../../subscribers/helpers.js';
import { subscribers } from '../../../src/db/schema/index.js';
import { filterKey } from '../../../src/subscribers/filters.js';
import { subscriberLinks } from '../../../src/subscribers/links.js';
import { tokenSecret } from '../../helpers/app.js';

let database: Database;
let app: FastifyInstance;

/** Eleven councils and 220 committees: every council has a Cabinet and a Planning Committee, and eighteen more. */
beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncilsWithCommittees(database);
  app = await createTestApp(database);
});

const origin = { origin: 'https://digest.example.org' };
const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();

async function post(url: string, fields: [string, string][]) {
  return app.inject({ method: 'POST', url, headers: { ...origin, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) });
}

describe('the committee picker on the sign-up page', () => {
  it('groups committees by council, folded, each council with its count', async () => {
    const page = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(page.match(/<details class="council-committees">/g)).toHaveLength(11);
    expect(page).toContain('<summary>Watford Borough Council <span class="count">(20 committees)</span></summary>');
    expect(page).toContain('value="watford/cabinet"');
    expect(page).toContain('<label for="committee-search">Find a committee or council</label>');
  });

  it('finds committees by name without JavaScript, keeping what was typed and ticked', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    const token = formTokenIn(page.body, '/subscribe');
    const found = await post('/subscribe/committees', [
      ['_csrf', token],
      ['email', 'finder@example.org'],
      ['topics', 'housing'],
      ['committees', 'watford/audit-sub-committee-2'],
      ['committee_search', 'cabinet'],
      ['action', 'find-committees'],
    ]);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('11 committees match “cabinet”.');
    expect(found.body.match(/<details class="council-committees" open>/g)).toHaveLength(11);
    expect(found.body).not.toContain('value="watford/planning-committee"');
    expect(found.body).toContain('value="finder@example.org"');
    expect(found.body).toMatch(/value="housing" checked/);
    // A ticked committee the search hides stays chosen.
    expect(found.body).toContain('<input type="hidden" name="committees" value="watford/audit-sub-committee-2">');
    const nobody = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from subscribers`);
    expect(nobody.rows[0]!.n).toBe(0);
  });

  it('finds a council by name, and says when nothing matches', async () => {
    const token = formTokenIn((await app.inject({ method: 'GET', url: '/' })).body, '/subscribe');
    const byCouncil = await post('/subscribe/committees', [['_csrf', token], ['committee_search', 'three rivers']]);
    expect(byCouncil.body).toContain('20 committees match “three rivers”.');
    const none = await post('/subscribe/committees', [['_csrf', token], ['committee_search', 'zoo']]);
    expect(none.body).toContain('No committee or council matches “zoo”.');
  });

  it("signs up for one council's Cabinet, which is not every Cabinet", async () => {
    const token = formTokenIn((await app.inject({ method: 'GET', url: '/' })).body, '/subscribe');
    const response = await post('/subscribe', [['_csrf', token], ['email', 'cabinet@example.org'], ['committees', 'watford/cabinet']]);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Check your inbox');
    const [row] = (await database.db.execute<{ committees: string[] }>(sql`select committees from subscribers where email_key = 'cabinet@example.org'`)).rows;
    expect(row!.committees).toEqual(['watford/cabinet']);
    const { meetings } = await findMeetings(database.db, { committees: ['watford/cabinet'] }, { limit: 50 });
    expect(meetings.map((meeting) => `${meeting.council.slug}/${meeting.committee.slug}`)).toEqual(['watford/cabinet']);
    const everyCabinet = await findMeetings(database.db, { committees: ['cabinet'] }, { limit: 50 });
    expect(everyCabinet.meetings).toHaveLength(11);
  });
});

describe('the committee picker in the preference centre', () => {
  it('searches on Enter in the search box, keeps the ticks and saves nothing until asked', async () => {
    const chosen = { committees: ['dacorum/cabinet'] };
    const [row] = await database.db
      .insert(subscribers)
      .values({ email: 'prefs@example.org', emailKey: 'prefs@example.org', status: 'active', confirmedAt: new Date(), ...chosen, filterKey: filterKey(chosen) })
      .returning();
    const manage = subscriberLinks('', tokenSecret, row!).manage();
    const page = await app.inject({ method: 'GET', url: manage });
    expect(page.body).toContain('<summary>Dacorum Borough Council <span class="count">(20 committees, 1 chosen)</span></summary>');
    const token = formTokenIn(page.body, manage);
    // Enter in the search box sends the form without the Find button's value: new words mean a search.
    const found = await post(manage, [['_csrf', token], ['committees', 'dacorum/cabinet'], ['committee_search', 'standards'], ['committee_search_applied', '']]);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('committees match “standards”.');
    expect(found.body).toContain('<input type="hidden" name="committees" value="dacorum/cabinet">');
    expect(found.body).not.toContain('Your choices are saved.');

    const saved = await post(manage, [['_csrf', formTokenIn(found.body, manage)], ['committees', 'dacorum/cabinet'], ['committees', 'dacorum/standards-sub-committee-4'], ['committee_search', 'standards'], ['committee_search_applied', 'standards']]);
    expect(saved.body).toContain('Your choices are saved.');
    const [after] = (await database.db.execute<{ committees: string[] }>(sql`select committees from subscribers where id = ${row!.id}`)).rows;
    expect(after!.committees).toEqual(['dacorum/cabinet', 'dacorum/standards-sub-committee-4']);
  });
});

describe('GET /api/councils', () => {
  it('gives every council with its committees', async () => {
    const { councils } = (await app.inject({ method: 'GET', url: '/api/councils' })).json();
    expect(councils).toHaveLength(11);
    expect(councils.reduce((total: number, council: { committees: unknown[] }) => total + council.committees.length, 0)).toBe(220);
  });
});
