import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { alertCommittees, committees, councils } from '../../src/db/schema/index.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { createTestApp, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { pageText, submitFrom } from '../subscribers/helpers.js';

let app: FastifyInstance;
let database: Database;
let chosen: { slug: string; id: number; name: string };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  app = await createTestApp(database);
  // A seeded committee (the seed's meetings make them).
  const [row] = await database.db
    .select({ id: committees.id, name: committees.name, committee: committees.slug, council: councils.slug })
    .from(committees)
    .innerJoin(councils, eq(councils.id, committees.councilId))
    .orderBy(committees.id)
    .limit(1);
  chosen = { slug: `${row!.council}/${row!.committee}`, id: row!.id, name: row!.name };
});

const optIns = async (subscriberId: number) =>
  (await database.db.select({ committeeId: alertCommittees.committeeId }).from(alertCommittees).where(eq(alertCommittees.subscriberId, subscriberId))).map((row) => row.committeeId);

describe("the preference centre's alerts", () => {
  it('opt in to every new agenda of a committee, list it ticked, and opt out by unticking it', async () => {
    const subscriber = await addSubscriber(database.db);
    const manage = subscriberLinks('', tokenSecret, subscriber).manage();
    const page = await app.inject({ method: 'GET', url: manage });
    expect(page.body).toContain('<fieldset id="alert-committees"');
    expect(page.body).toContain(`<option value="${chosen.slug}">${chosen.name}</option>`);

    const added = await submitFrom(app, manage, manage, { action: 'alerts', alert_committees: ['', chosen.slug] });
    expect(added.statusCode).toBe(200);
    expect(pageText(added.body)).toContain('Your alerts are saved');
    expect(await optIns(subscriber.id)).toEqual([chosen.id]);
    expect(added.body).toContain(`name="alert_committees" value="${chosen.slug}" checked`);
    // The list offers only committees not chosen yet.
    expect(added.body).not.toContain(`<option value="${chosen.slug}">`);

    const removed = await submitFrom(app, manage, manage, { action: 'alerts', alert_committees: '' });
    expect(removed.statusCode).toBe(200);
    expect(await optIns(subscriber.id)).toEqual([]);
  });

  it('refuse a committee that does not exist, changing nothing', async () => {
    const subscriber = await addSubscriber(database.db);
    const manage = subscriberLinks('', tokenSecret, subscriber).manage();
    await submitFrom(app, manage, manage, { action: 'alerts', alert_committees: chosen.slug });
    const refused = await submitFrom(app, manage, manage, { action: 'alerts', alert_committees: ['nowhere/nothing', chosen.slug] });
    expect(refused.statusCode).toBe(422);
    expect(pageText(refused.body)).toContain('There is no committee “nowhere/nothing”');
    expect(await optIns(subscriber.id)).toEqual([chosen.id]);
  });

  it('are not offered when ALERTS_ENABLED is false', async () => {
    const off = await createTestApp(database, { ALERTS_ENABLED: 'false' });
    const subscriber = await addSubscriber(database.db);
    const page = await off.inject({ method: 'GET', url: subscriberLinks('', tokenSecret, subscriber).manage() });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('alert-committees');
  });
});
