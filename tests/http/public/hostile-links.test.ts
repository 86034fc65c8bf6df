import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { documents } from '../../../src/db/schema/index.js';
import { importRecords } from '../../../src/meetings/import.js';
import { seedCouncils } from '../../../src/meetings/seed.js';
import { subscriberLinks } from '../../../src/subscribers/links.js';
import { createTestApp, tokenSecret } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { addSubscriber } from '../../helpers/subscribers.js';

let database: Database;
let app: FastifyInstance;
let meetingId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  app = await createTestApp(database);
  const [imported] = await importRecords(database.db, [
    {
      council: 'Hertfordshire County Council',
      committee: 'Cabinet',
      startsAt: '2025-09-09T18:00:00Z',
      documents: [
        { title: 'Agenda', category: 'Agenda', url: 'https://example.org/agenda"><script>alert(1)</script>' },
        { title: 'Minutes', category: 'Reports Pack', url: 'https://example.org/minutes.pdf' },
      ],
    },
  ]);
  meetingId = imported!.id;
  // Stored before the import schema checked schemes, or by hand.
  await database.db.insert(documents).values({ meetingId, position: 2, origin: 'import', title: 'Forged', category: 'Additional Documents', url: 'javascript:alert(1)' });
});

describe('document URLs in the API', () => {
  it('are only http(s) URLs in the parser spelling: quotes and brackets encoded, anything else null', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/meetings/${meetingId}` });
    expect(response.statusCode).toBe(200);
    const urls = (response.json() as { documents: { url: string | null }[] }).documents.map((document) => document.url);
    expect(urls).toEqual(['https://example.org/agenda%22%3E%3Cscript%3Ealert(1)%3C/script%3E', 'https://example.org/minutes.pdf', null]);
    expect(response.body).not.toContain('<script>');
    const stored = await database.db.select({ url: documents.url }).from(documents).where(eq(documents.meetingId, meetingId));
    expect(stored).toHaveLength(3);
  });
});

describe('mailed links', () => {
  it('work with the full stop a mail client added after them, as the mailto unsubscribe does', async () => {
    const links = subscriberLinks('', tokenSecret, await addSubscriber(database.db, { email: 'dotted@example.org' }));
    for (const url of [`${links.unsubscribe()}.`, `${links.manage()}.`, `${links.unsubscribe()})`]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).not.toContain("This link doesn't work");
    }
  });
});

describe('public pages with a trailing slash', () => {
  it('lead to the page itself, and an unknown page is the friendly page, not JSON', async () => {
    const links = subscriberLinks('', tokenSecret, await addSubscriber(database.db, { email: 'slashed@example.org' }));
    const slashed = await app.inject({ method: 'GET', url: `${links.manage()}/?from=mail` });
    expect(slashed.statusCode).toBe(308);
    expect(slashed.headers.location).toBe(`${links.manage()}?from=mail`);
    expect((await app.inject({ method: 'GET', url: slashed.headers.location as string })).statusCode).toBe(200);

    const unknown = await app.inject({ method: 'GET', url: '/no-such-page/' });
    const followed = await app.inject({ method: 'GET', url: unknown.headers.location as string });
    expect(followed.statusCode).toBe(404);
    expect(followed.headers['content-type']).toMatch(/^text\/html/);
    expect(followed.body).toContain('Page not found');
  });

  it('never send a visitor to another site: "//host/" is no redirect', async () => {
    const response = await app.inject({ method: 'GET', url: '//evil.example/' });
    expect(response.headers.location).toBeUndefined();
    expect(response.statusCode).toBe(404);
  });

  it('leave the API answering JSON', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/nothing-here/' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
