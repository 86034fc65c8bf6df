import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiToken, createApiToken, listApiTokens, revokeApiToken } from '../../src/console/api-tokens.js';
import { adminTokenActor, listAudit, operatorActor, recordAudit } from '../../src/console/audit.js';
import { addOperator, listOperators, maskAddress, removeOperator, roleIncludes } from '../../src/console/operators.js';
import { loadSession, saveSession, destroySession } from '../../src/console/sessions.js';
import { issueSignInLink, redeemSignInLink, signInLinkMinutes } from '../../src/console/sign-in.js';
import type { Database } from '../../src/db/client.js';
import { operatorApiTokens, operatorSessions } from '../../src/db/schema/index.js';
import { createTestDatabase } from '../helpers/db.js';

let database: Database;
const start = new Date('2026-03-02T09:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

beforeAll(async () => {
  database = await createTestDatabase();
});

describe('operators', () => {
  it('adds an operator once per address, whatever its case, and changes the role on a second add', async () => {
    const first = await addOperator(database.db, { email: 'Ada@Example.org', role: 'viewer' });
    const second = await addOperator(database.db, { email: 'ada@example.org', role: 'operator' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.operator.id).toBe(first.operator.id);
    expect((await listOperators(database.db)).filter((row) => row.emailKey === 'ada@example.org').map((row) => row.role)).toEqual(['operator']);
  });

  it('ranks roles: an owner includes an operator, who includes a viewer', () => {
    expect(roleIncludes('owner', 'operator')).toBe(true);
    expect(roleIncludes('operator', 'viewer')).toBe(true);
    expect(roleIncludes('viewer', 'operator')).toBe(false);
    expect(roleIncludes('operator', 'owner')).toBe(false);
  });

  it('masks an address for viewers as its first character and its domain', () => {
    expect(maskAddress('anna@example.org')).toBe('a***@example.org');
    expect(maskAddress('not an address')).toBe('***');
  });
});

describe('sign-in links', () => {
  it('issues a link only for an operator', async () => {
    expect(await issueSignInLink(database.db, 'nobody@example.org', start)).toBeNull();
    expect(await issueSignInLink(database.db, 'not an address', start)).toBeNull();
  });

  it('works once', async () => {
    await addOperator(database.db, { email: 'once@example.org', role: 'viewer' });
    const link = (await issueSignInLink(database.db, 'once@example.org', start))!;
    expect((await redeemSignInLink(database.db, link.token, minutes(1)))?.email).toBe('once@example.org');
    expect(await redeemSignInLink(database.db, link.token, minutes(2))).toBeNull();
  });

  it(`works for ${signInLinkMinutes} minutes and not after`, async () => {
    await addOperator(database.db, { email: 'late@example.org', role: 'viewer' });
    const early = (await issueSignInLink(database.db, 'late@example.org', start))!;
    const late = (await issueSignInLink(database.db, 'late@example.org', start))!;
    expect(await redeemSignInLink(database.db, early.token, minutes(signInLinkMinutes - 1))).not.toBeNull();
    expect(await redeemSignInLink(database.db, late.token, minutes(signInLinkMinutes + 1))).toBeNull();
  });

  it('refuses a changed or made-up token', async () => {
    await addOperator(database.db, { email: 'forged@example.org', role: 'viewer' });
    const link = (await issueSignInLink(database.db, 'forged@example.org', start))!;
    const changed = `${link.token.slice(0, -1)}${link.token.endsWith('A') ? 'B' : 'A'}`;
    expect(await redeemSignInLink(database.db, changed, minutes(1))).toBeNull();
    expect(await redeemSignInLink(database.db, 'x', minutes(1))).toBeNull();
  });

  it('stops working when the operator is removed', async () => {
    await addOperator(database.db, { email: 'gone@example.org', role: 'owner' });
    const link = (await issueSignInLink(database.db, 'gone@example.org', start))!;
    await removeOperator(database.db, 'gone@example.org');
    expect(await redeemSignInLink(database.db, link.token, minutes(1))).toBeNull();
  });
});

describe('sessions', () => {
  it('keeps only a hash of the session id', async () => {
    const { operator } = await addOperator(database.db, { email: 'hash@example.org', role: 'viewer' });
    await saveSession(database.db, 'session-id-hash-test', { operatorId: operator.id }, start);
    const rows = await database.db.select().from(operatorSessions).where(eq(operatorSessions.operatorId, operator.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idHash).not.toContain('session-id-hash-test');
  });

  it('ends after 12 hours without use, and each use pushes the limit forward', async () => {
    const { operator } = await addOperator(database.db, { email: 'idle@council.example.org', role: 'viewer' });
    await saveSession(database.db, 'idle-session', { operatorId: operator.id }, start);
    await saveSession(database.db, 'unused-session', { operatorId: operator.id }, start);
    expect(await loadSession(database.db, 'idle-session', minutes(11 * 60))).toBeDefined();
    expect(await loadSession(database.db, 'idle-session', minutes(22 * 60))).toBeDefined();
    expect(await loadSession(database.db, 'unused-session', minutes(12 * 60 + 1))).toBeUndefined();
    expect(await loadSession(database.db, 'idle-session', minutes(34 * 60 + 1))).toBeUndefined();
  });

  it('ends when destroyed (sign-out) and when the operator is removed', async () => {
    const { operator } = await addOperator(database.db, { email: 'end@example.org', role: 'owner' });
    await saveSession(database.db, 'signed-out', { operatorId: operator.id }, start);
    await saveSession(database.db, 'removed', { operatorId: operator.id }, start);
    await destroySession(database.db, 'signed-out');
    expect(await loadSession(database.db, 'signed-out', minutes(1))).toBeUndefined();
    expect((await loadSession(database.db, 'removed', minutes(1)))?.operator.email).toBe('end@example.org');
    await removeOperator(database.db, 'end@example.org');
    expect(await loadSession(database.db, 'removed', minutes(1))).toBeUndefined();
  });
});

describe('personal API tokens', () => {
  it('are stored hashed, authenticate as their operator and stop at revocation', async () => {
    const { operator } = await addOperator(database.db, { email: 'script@example.org', role: 'operator' });
    const issued = await createApiToken(database.db, operator.id, 'nightly import');
    expect(issued.token).toMatch(/^cdo_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const [row] = await database.db.select().from(operatorApiTokens).where(eq(operatorApiTokens.id, issued.id));
    expect(JSON.stringify(row)).not.toContain(issued.token);
    const found = await authenticateApiToken(database.db, issued.token, start);
    expect(found?.operator.email).toBe('script@example.org');
    expect(found?.tokenName).toBe('nightly import');
    expect(await authenticateApiToken(database.db, `${issued.token.slice(0, -1)}x`, start)).toBeUndefined();
    expect(await revokeApiToken(database.db, operator.id + 1000, issued.id, start)).toBeUndefined();
    expect((await revokeApiToken(database.db, operator.id, issued.id, start))?.revokedAt).toEqual(start);
    expect(await authenticateApiToken(database.db, issued.token, start)).toBeUndefined();
    expect((await listApiTokens(database.db, operator.id)).map((token) => token.name)).toEqual(['nightly import']);
  });
});

describe('the audit log', () => {
  it('records who did what to which object, from where, newest first', async () => {
    const { operator } = await addOperator(database.db, { email: 'auditor@example.org', role: 'owner' });
    await recordAudit(database.db, adminTokenActor, { action: 'run.start', objectType: 'run', objectId: 7, detail: { dryRun: true } }, { ip: '192.0.2.1' });
    await recordAudit(database.db, operatorActor(operator, 'deploy script'), { action: 'topic.edit', objectType: 'topic', objectId: 'housing' }, { ip: '192.0.2.2' });
    const [latest, earlier] = await listAudit(database.db, { limit: 2 });
    expect(latest).toMatchObject({ actor: 'deploy script (auditor@example.org)', operatorId: operator.id, action: 'topic.edit', objectType: 'topic', objectId: 'housing', ip: '192.0.2.2' });
    expect(earlier).toMatchObject({ actor: 'admin-token', operatorId: null, action: 'run.start', objectId: '7', detail: { dryRun: true }, ip: '192.0.2.1' });
    expect((await listAudit(database.db, { limit: 10, before: latest!.id })).map((row) => row.id)).toContain(earlier!.id);
  });
});
