import { beforeAll, describe, expect, it } from 'vitest';
import { addOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { follows } from '../../src/db/schema/index.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { createTestAppWithMail } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { pageText } from '../subscribers/helpers.js';
import { signedIn, type ConsoleClient } from './client.js';

let database: Database;
let viewer: ConsoleClient;
let meetingId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  const [stored] = await importRecords(database.db, [
    {
      council: 'East Hertfordshire District Council',
      committee: 'Development Management Committee',
      status: 'scheduled',
      startsAt: '2025-11-12T18:00:00Z',
      sections: [
        { heading: 'Apologies for absence', number: '1.' },
        { heading: 'Deferred item: 3/25/1234/FUL Land at Brickendon Lane', number: '4.' },
        { heading: 'Application 3/25/1234/FULM, Hertford Road', number: '5.' },
        { heading: 'Response to the Local Plan Review consultation', number: '7.' },
      ],
    },
  ]);
  meetingId = stored!.id;
  const [ann, bob, cat] = [await addSubscriber(database.db), await addSubscriber(database.db), await addSubscriber(database.db)];
  await database.db.insert(follows).values([
    { subscriberId: ann.id, kind: 'reference', value: '3/25/1234/FUL', label: 'Land at Brickendon Lane' },
    { subscriberId: bob.id, kind: 'reference', value: '3/25/1234/FUL', label: 'Land at Brickendon Lane' },
    { subscriberId: bob.id, kind: 'phrase', value: 'local plan review', label: 'Local Plan Review' },
    // Follows the same words as a title elsewhere, and another application: neither is this meeting's.
    { subscriberId: cat.id, kind: 'phrase', value: 'local plans review panel', label: 'Local Plans Review Panel' },
    { subscriberId: cat.id, kind: 'reference', value: '25/00912/FULM', label: 'Somewhere else' },
  ]);
  const { app, smtp } = await createTestAppWithMail(database);
  await addOperator(database.db, { email: 'vera@council.example.org', role: 'viewer' });
  viewer = await signedIn(app, smtp, 'vera@council.example.org');
});

describe("a meeting's console page", () => {
  it('shows how many follows each agenda item has, by the rule digests use', async () => {
    const page = await viewer.get(`/admin/meetings/${meetingId}`);
    expect(page.statusCode).toBe(200);
    const rows = [...page.body.matchAll(/<tr><td>([^<]*)<\/td><td class="number">(\d+)<\/td><\/tr>/g)].map((match) => [pageText(match[1]!).trim(), Number(match[2])]);
    expect(rows).toEqual([
      ['1. Apologies for absence', 0],
      ['4. Deferred item: 3/25/1234/FUL Land at Brickendon Lane', 2],
      ['5. Application 3/25/1234/FULM, Hertford Road', 0],
      ['7. Response to the Local Plan Review consultation', 1],
    ]);
  });

  it('is linked from the meetings list, and answers 404 for no such meeting', async () => {
    expect((await viewer.get('/admin/meetings?from=2025-11-01&to=2025-11-30')).body).toContain(`href="/admin/meetings/${meetingId}"`);
    expect((await viewer.get(`/admin/meetings/${meetingId + 999}`)).statusCode).toBe(404);
  });
});
