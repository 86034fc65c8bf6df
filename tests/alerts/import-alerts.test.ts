import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { follows } from '../../src/db/schema/index.js';
import { startWork } from '../../src/main/wiring.js';
import { adminHeaders, createTestAppWithMail } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber } from '../helpers/subscribers.js';

const startsAt = new Date(Date.now() + 10 * 86_400_000).toISOString();

/** A meeting ten days from now whose agenda lists a planning application. */
const record = (text: string) => ({
  council: 'East Herts Council',
  committee: 'Development Management Committee',
  status: 'scheduled',
  startsAt,
  location: 'Wallfields, Hertford',
  sections: [{ heading: '5a. 3/25/1234/FUL: Land north of Mangrove Road', blocks: [{ type: 'paragraph', text }] }],
});

describe('alerts after an import', () => {
  it('mail one alert when an imported agenda lists a followed application, and none when the same meeting is imported again, changed or not', async () => {
    const database = await createTestDatabase();
    const { app, deps, smtp } = await createTestAppWithMail(database);
    await startWork(deps, { groups: ['alerts'] });
    const reader = await addSubscriber(database.db, { email: 'reader@example.org' });
    await database.db.insert(follows).values({ subscriberId: reader.id, kind: 'reference', value: '3/25/1234/FUL', label: 'Land north of Mangrove Road' });

    const post = (body: object) => app.inject({ method: 'POST', url: '/api/admin/meetings', headers: adminHeaders, payload: body });
    expect((await post(record('Erection of 40 dwellings.'))).statusCode).toBe(201);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['reader@example.org']);
    expect(mail!.parsed.subject).toMatch(/^Agenda published: Development Management Committee, /);
    expect(mail!.parsed.text).toContain('5a. 3/25/1234/FUL: Land north of Mangrove Road');

    expect((await post(record('Erection of 40 dwellings.'))).statusCode).toBe(200);
    expect((await post(record('Erection of 42 dwellings, amended plans.'))).statusCode).toBe(200);
    // The passes the imports queued run in this process: wait for the queues to empty before counting.
    for (let calm = 0; calm < 4; ) {
      calm = (await deps.queue.depth()).some((row) => row.count > 0 && row.state !== 'failed') ? 0 : calm + 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(smtp.messages).toHaveLength(1);
    const alerts = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from alerts`);
    expect(alerts.rows[0]!.n).toBe(1);
  });
});
