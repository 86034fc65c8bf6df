import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { addOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { meetings, sections } from '../../src/db/schema/index.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness } from '../helpers/digests.js';
import { fixturePage } from '../helpers/fixtures.js';
import { signedIn, type ConsoleClient } from './client.js';

const council = 'Hertfordshire County Council';
const youthJustice = 'Hertfordshire Youth Justice Plan 2025-26';

let database: Database;
let app: FastifyInstance;
let owner: ConsoleClient;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  const harness = await createDigestHarness(database);
  app = await createDigestApp(database, harness);
  await addOperator(database.db, { email: 'owen@council.example.org', role: 'owner' });
  owner = await signedIn(app, harness.smtp, 'owen@council.example.org');
});

/** Posts the console's import forms as a browser does (multipart/form-data), with the CSRF token of the import page. */
async function postMultipart(url: string, fields: Record<string, string>) {
  const page = await owner.get('/admin/meetings/import');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const boundary = '----council-digest-test';
  const parts = Object.entries({ _csrf: csrf, ...fields }).map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return owner.request({ method: 'POST', url, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: `${parts.join('')}--${boundary}--\r\n` });
}

/** The June page with a long first item, so that everything after it lies past the first MiB. */
function longPage(bytes: number): string {
  const page = fixturePage('june');
  // Paragraphs of 10,000 characters, as a section holds at most 500 of them.
  const paragraph = `${'Members went over the figures for each district again, line by line. '.repeat(143).trim()}\n`;
  const padding = paragraph.repeat(Math.ceil(bytes / paragraph.length));
  return page.replace('The panel noted the report and agreed to look at the subject again in six months.\n', (line) => `${padding}${line}`);
}

async function storedHeadings() {
  const rows = await database.db.select({ heading: sections.heading }).from(sections).innerJoin(meetings, eq(meetings.id, sections.meetingId)).orderBy(sections.position);
  return rows.map((row) => row.heading);
}

describe('the paste box', () => {
  it('reads a 1.1 MB page whole: both sections, not what fitted in the first MiB', async () => {
    const text = longPage(1_100_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_048_576);
    const read = await postMultipart('/admin/meetings/import/read', { text, council });
    expect(read.statusCode, /<div class="error-summary"[\s\S]*?<\/div>/.exec(read.body)?.[0]).toBe(200);
    expect(read.body).toContain('<strong>2 sections:</strong>');
    expect(read.body).toContain(youthJustice);
  });

  it('refuses more than its stated 5 MiB with a clear 413, reading and importing nothing', async () => {
    const text = longPage(5_300_000);
    for (const url of ['/admin/meetings/import/read', '/admin/meetings/import']) {
      const response = await postMultipart(url, { text, council });
      expect(response.statusCode, url).toBe(413);
      expect(response.body).toContain('at most 5 MiB');
    }
    const json = JSON.stringify({ council, committee: 'Children&#39;s Social Care Cabinet Panel', startsAt: '2025-06-17T13:00:00Z', summary: 'x'.repeat(5_300_000) });
    const pasted = await postMultipart('/admin/meetings/import/read', { text: json, format: 'json' });
    expect(pasted.statusCode).toBe(413);
    expect(pasted.body).not.toContain('Unterminated string');
    expect(await storedHeadings()).toEqual([]);
  });
});

describe('an import that would remove what is stored', () => {
  it('says so in the preview and is refused without the confirmation, then done with it', async () => {
    const full = fixturePage('june');
    expect((await postMultipart('/admin/meetings/import', { text: full, council })).statusCode).toBe(200);
    expect(await storedHeadings()).toHaveLength(2);

    const shorter = full.slice(0, full.indexOf(`${youthJustice}\n`)) + full.slice(full.indexOf('-\nHertfordshire Futures'));
    const read = await postMultipart('/admin/meetings/import/read', { text: shorter, council });
    expect(read.body).toContain('<strong>1 sections:</strong>');
    expect(read.body).toMatch(/This will remove 1 section and 1 decision<\/strong> stored by an earlier import: Hertfordshire Youth Justice Plan 2025-26/);
    expect(read.body).toContain('name="confirm" value="removals" required');

    const unconfirmed = await postMultipart('/admin/meetings/import', { text: shorter, council });
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.body).toContain('This import would remove 1 section and 1 decision (Hertfordshire Youth Justice Plan 2025-26)');
    expect(await storedHeadings()).toContain(youthJustice);

    const confirmed = await postMultipart('/admin/meetings/import', { text: shorter, council, confirm: 'removals' });
    expect(confirmed.statusCode).toBe(200);
    expect(await storedHeadings()).not.toContain(youthJustice);
  });

  it('needs no confirmation when nothing stored is removed', async () => {
    const again = await postMultipart('/admin/meetings/import/read', { text: fixturePage('june'), council });
    expect(again.body).not.toContain('This will remove');
    expect(again.body).not.toContain('name="confirm"');
  });
});
