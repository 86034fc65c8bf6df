import type { FastifyInstance } from 'fastify';
import { importRecords } from '../../src/meetings/import.js';
import type { Db } from '../../src/db/client.js';
import { adminHeaders } from '../helpers/app.js';

/** Small builders for the partner-feed tests: partners through the operator API, feeds through the partner API. */

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export async function createPartner(app: FastifyInstance, name: string, contactEmail = `${name.toLowerCase().replace(/\W+/g, '-')}@partner.example.org`) {
  const response = await app.inject({ method: 'POST', url: '/api/admin/partners', headers: adminHeaders, payload: { name, contactEmail } });
  if (response.statusCode !== 201) throw new Error(`partner not created: ${response.body}`);
  const { partner, key } = response.json();
  return { id: partner.id as number, key: key.key as string, keyId: key.id as number, contactEmail };
}

export async function requestFeed(app: FastifyInstance, key: string, body: Record<string, unknown>) {
  const response = await app.inject({ method: 'POST', url: '/api/partner/feeds', headers: bearer(key), payload: { name: 'Care leavers', ...body } });
  if (response.statusCode !== 201) throw new Error(`feed not requested: ${response.body}`);
  return response.json() as { feed: { id: string; status: string }; preview: { meetings: number; sections: number; examples: { title: string; sections: string[] }[] }; atomUrl: string };
}

/** A meeting of a second council on the same topic as the seeds, to prove that councils narrow. */
export const northHertsCabinet = {
  council: 'North Hertfordshire District Council',
  committee: 'Cabinet',
  startsAt: '2025-07-08T19:30:00+01:00',
  title: 'Cabinet, 8 July 2025',
  sources: { council: 'https://www.north-herts.gov.uk/meetings/cabinet-2025-07-08' },
  summary: 'The cabinet met to agree support for young people leaving care.',
  sections: [
    {
      heading: 'Council Tax Exemption for Care Leavers',
      blocks: [{ type: 'paragraph', text: 'Cabinet agreed to exempt care leavers living in the district from council tax until they turn 25.' }],
    },
    { heading: 'Car Parking Charges', blocks: [{ type: 'paragraph', text: 'Charges at district car parks rise by 10p an hour from September.' }] },
  ],
};

export async function importNorthHerts(db: Db) {
  const [outcome] = await importRecords(db, [northHertsCabinet]);
  return outcome!;
}
