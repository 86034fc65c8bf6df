import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/console/api-tokens.js';
import { addOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness } from '../helpers/digests.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { bearer, createPartner, requestFeed } from '../feeds/fixtures.js';

let database: Database;
let app: FastifyInstance;
let owner: Record<string, string>;
let viewer: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  const harness = await createDigestHarness(database);
  app = await createDigestApp(database, harness);
  const added = await addOperator(database.db, { email: 'olive@council.example.org', role: 'owner' });
  owner = bearer((await createApiToken(database.db, added.operator.id, 'olive laptop')).token);
  const looker = await addOperator(database.db, { email: 'vic@council.example.org', role: 'viewer' });
  viewer = bearer((await createApiToken(database.db, looker.operator.id, 'vic laptop')).token);
});

async function latestEntries(headers: Record<string, string>, limit = 1) {
  const response = await app.inject({ method: 'GET', url: `/api/admin/audit?limit=${limit}`, headers });
  expect(response.statusCode).toBe(200);
  return response.json().entries as { actor: string; action: string; objectType: string; objectId: string | null; detail: Record<string, unknown>; ip: string | null; at: string }[];
}

const ownerRequest = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { ...owner, 'x-forwarded-for': '198.51.100.7' }, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('the audit log', () => {
  it('records a run started, with the token that started it and its IP', async () => {
    const started = await ownerRequest('POST', '/api/admin/digest-runs', { week: '2025-06-16', dryRun: true });
    expect(started.statusCode).toBe(202);
    const [entry] = await latestEntries(adminHeaders);
    expect(entry).toMatchObject({ actor: 'olive laptop (olive@council.example.org)', action: 'run.dry-run', objectType: 'run', objectId: String(started.json().id), ip: '198.51.100.7', detail: { week: '2025-06-16', joined: false } });
  });

  it('records topic edits, meeting imports, suppressions and erasures', async () => {
    expect((await ownerRequest('PUT', '/api/admin/topics/housing', { threshold: 3 })).statusCode).toBe(200);
    expect((await latestEntries(owner))[0]).toMatchObject({ action: 'topic.edit', objectId: 'housing', detail: { threshold: 3 } });

    const meeting = { council: 'Hertfordshire County Council', committee: 'Audit Committee', startsAt: '2025-06-18T10:00:00+01:00', summary: 'Accounts.', sections: [] };
    expect((await ownerRequest('POST', '/api/admin/meetings', meeting)).statusCode).toBe(201);
    expect((await latestEntries(owner))[0]).toMatchObject({ action: 'meetings.import', objectType: 'meetings', detail: { created: 1 } });

    expect((await ownerRequest('POST', '/api/admin/suppressions', { email: 'Stop@Example.org' })).statusCode).toBe(201);
    expect((await latestEntries(owner))[0]).toMatchObject({ action: 'suppression.add', objectId: 'stop@example.org' });
    expect((await ownerRequest('DELETE', '/api/admin/suppressions/stop@example.org')).statusCode).toBe(204);
    expect((await latestEntries(owner))[0]).toMatchObject({ action: 'suppression.lift', objectId: 'stop@example.org' });

    const subscriber = await addSubscriber(database.db, { email: 'erase-me@example.org' });
    expect((await ownerRequest('DELETE', `/api/admin/subscribers/${subscriber.id}?suppress=true`)).statusCode).toBe(200);
    expect((await latestEntries(owner))[0]).toMatchObject({ action: 'subscriber.erase', objectType: 'subscriber', objectId: String(subscriber.id), detail: { suppressed: true } });
  });

  it('records feed decisions, partners and their keys', async () => {
    const partner = await createPartner(app, 'Audit Trust');
    expect((await latestEntries(adminHeaders))[0]).toMatchObject({ actor: 'admin-token', action: 'partner.create', objectId: String(partner.id) });
    const { feed } = await requestFeed(app, partner.key, { name: 'Audited feed', recipients: ['someone@example.org'] });
    expect((await ownerRequest('POST', `/api/admin/feed-requests/${feed.id}/reject`, { note: 'Too broad' })).statusCode).toBe(200);
    expect((await latestEntries(owner))[0]).toMatchObject({ action: 'feed.reject', objectType: 'feed', objectId: feed.id, detail: { note: 'Too broad', name: 'Audited feed' } });
    expect((await ownerRequest('POST', `/api/admin/partners/${partner.id}/keys`, { revokeOthers: true })).statusCode).toBe(201);
    expect((await latestEntries(owner))[0]).toMatchObject({ action: 'partner.key-issue', objectId: String(partner.id), detail: { revokeOthers: true } });
  });

  it('records operators added and removed, and tokens made and revoked, without the token itself', async () => {
    const added = await ownerRequest('POST', '/api/admin/operators', { email: 'new@council.example.org', role: 'operator' });
    expect(added.statusCode).toBe(201);
    expect((await ownerRequest('DELETE', `/api/admin/operators/${added.json().id}`)).statusCode).toBe(204);
    const made = await ownerRequest('POST', '/api/admin/tokens', { name: 'cron' });
    expect(made.statusCode).toBe(201);
    expect((await ownerRequest('DELETE', `/api/admin/tokens/${made.json().id}`)).statusCode).toBe(204);
    const entries = await latestEntries(owner, 4);
    expect(entries.map((entry) => `${entry.action} ${entry.objectId}`)).toEqual([
      `token.revoke ${made.json().prefix}`,
      `token.create ${made.json().prefix}`,
      'operator.remove new@council.example.org',
      'operator.add new@council.example.org',
    ]);
    expect(JSON.stringify(entries)).not.toContain(made.json().token);
  });

  it('has no route that changes or deletes a row', () => {
    const audit = app.printRoutes({ commonPrefix: false }).split('\n').filter((line) => line.includes('audit'));
    expect(audit.join('\n')).toContain('GET');
    expect(audit.join('\n')).not.toMatch(/POST|PUT|PATCH|DELETE/);
  });
});

describe('a viewer', () => {
  it('sees addresses masked in subscribers, suppressions, partners, feed requests and the audit log', async () => {
    await addSubscriber(database.db, { email: 'anna@example.org' });
    await app.inject({ method: 'POST', url: '/api/admin/suppressions', headers: adminHeaders, payload: { email: 'blocked@example.org' } });
    const partner = await createPartner(app, 'Masked Trust', 'contact@masked.example.org');
    await requestFeed(app, partner.key, { name: 'Masked feed', recipients: ['reader@masked.example.org'] });

    const answers = await Promise.all(
      ['/api/admin/subscribers?q=anna', '/api/admin/suppressions', '/api/admin/partners', '/api/admin/feed-requests', '/api/admin/audit'].map((url) =>
        app.inject({ method: 'GET', url, headers: viewer }),
      ),
    );
    const bodies = answers.map((answer) => answer.body).join('\n');
    expect(bodies).toContain('a***@example.org');
    expect(bodies).toContain('b***@example.org');
    expect(bodies).toContain('c***@masked.example.org');
    expect(bodies).toContain('r***@masked.example.org');
    expect(bodies).toContain('o***@council.example.org');
    for (const address of ['anna@', 'blocked@', 'contact@', 'reader@', 'olive@']) expect(bodies).not.toContain(address);

    const operatorView = await app.inject({ method: 'GET', url: '/api/admin/subscribers?q=anna', headers: owner });
    expect(operatorView.body).toContain('anna@example.org');
  });
});
