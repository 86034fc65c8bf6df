import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createPartner, issuePartnerKey, listPartners, revokePartnerKey } from '../../../feeds/partners.js';
import { emailAddress } from '../../../feeds/requests.js';
import type { AppDeps } from '../../deps.js';
import { clockOf } from '../../deps.js';
import { pageContext } from './context.js';
import { partnersPage } from './partners-page.js';
import { sendPage } from '../../html/support.js';
import { addressView, audit } from '../../plugins/roles.js';

const partnerParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Partners and their API keys: owners add partners, issue (rotate) and revoke keys. */
export async function consolePartnerRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const now = clockOf(deps);
  const zone = deps.config.DIGEST_TZ;

  const show = async (request: FastifyRequest, reply: FastifyReply, issued?: { partner: string; key: string }) => {
    const address = addressView(request);
    const partners = (await listPartners(db)).map((partner) => ({ ...partner, contactEmail: address(partner.contactEmail) }));
    return sendPage(reply, 200, partnersPage(pageContext(request, reply), { partners, zone, issued }));
  };
  const nameOf = async (id: number) => (await listPartners(db)).find((partner) => partner.id === id)?.name ?? `partner ${id}`;

  routes.get('/admin/partners', { schema: { hide: true }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => show(request, reply));

  routes.post(
    '/admin/partners',
    { schema: { hide: true, body: z.object({ name: z.string().trim().min(1).max(100).refine((value) => !/[\r\n]/.test(value)), contactEmail: emailAddress }).passthrough() }, config: { role: 'owner', consolePage: true } },
    async (request, reply) => {
      const { partner, key } = await createPartner(db, { name: request.body.name, contactEmail: request.body.contactEmail });
      await audit(deps, request, { action: 'partner.create', objectType: 'partner', objectId: partner.id, detail: { name: partner.name, keyPrefix: key.prefix } });
      return show(request, reply, { partner: partner.name, key: key.key });
    },
  );

  routes.post(
    '/admin/partners/:id/keys',
    { schema: { hide: true, params: partnerParams, body: z.object({ revokeOthers: z.literal('1').optional() }).passthrough() }, config: { role: 'owner', consolePage: true } },
    async (request, reply) => {
      const revokeOthers = request.body.revokeOthers === '1';
      const key = await issuePartnerKey(db, request.params.id, { revokeOthers }, now());
      await audit(deps, request, { action: 'partner.key-issue', objectType: 'partner', objectId: request.params.id, detail: { keyPrefix: key.prefix, revokeOthers } });
      return show(request, reply, { partner: await nameOf(request.params.id), key: key.key });
    },
  );

  routes.post(
    '/admin/partners/:id/keys/:keyId/revoke',
    { schema: { hide: true, params: partnerParams.extend({ keyId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }) }, config: { role: 'owner', consolePage: true } },
    async (request, reply) => {
      const key = await revokePartnerKey(db, request.params.id, request.params.keyId, now());
      await audit(deps, request, { action: 'partner.key-revoke', objectType: 'partner', objectId: request.params.id, detail: { keyPrefix: key.prefix } });
      return show(request, reply);
    },
  );
}
