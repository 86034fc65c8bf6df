import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { feedStatuses } from '../../../db/schema/index.js';
import { createPartner, issuePartnerKey, listPartners, revokePartnerKey, type IssuedKey } from '../../../feeds/partners.js';
import { feedRequests, recipientsOf } from '../../../feeds/repo.js';
import { approveFeedRequest, emailAddress, feedView, rejectFeedRequest } from '../../../feeds/requests.js';
import type { AppDeps } from '../../deps.js';
import { addressView, audit, requireRole } from '../../plugins/roles.js';
import { adminErrorResponses, errorResponse } from '../../schemas.js';
import { feedOut } from '../../partners/feeds.js';

const responses = { ...adminErrorResponses, 404: errorResponse, 409: errorResponse } as const;

const note = z.string().trim().min(1, 'must not be empty').max(2000);

const keyOut = z.object({ id: z.number(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() });
const issuedKeyOut = z.object({
  id: z.number(),
  prefix: z.string(),
  key: z.string().describe('The whole key: shown this once, only its hash is kept'),
  createdAt: z.string(),
});
const partnerOut = z.object({ id: z.number(), name: z.string(), contactEmail: z.string(), createdAt: z.string() });
const decisionOut = z.object({
  feed: feedOut,
  partnerNotified: z.boolean(),
  confirmations: z.object({ queued: z.number(), suppressed: z.number() }).describe('Confirmation mails queued (sent by a job after this answer), and addresses left out as suppressed'),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;
const issued = (key: IssuedKey) => ({ ...key, createdAt: key.createdAt.toISOString() });
const keyView = (key: { id: number; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }) => ({
  ...key,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: iso(key.lastUsedAt),
  revokedAt: iso(key.revokedAt),
});

/** Operators: partners and their keys, and the queue of feed requests. */
export async function adminPartnerRoutes(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const feedDeps = deps.feeds;
  const { db } = feedDeps;
  const security = [{ adminToken: [] }];
  routes.addHook('onRequest', requireRole(deps));

  routes.post(
    '/api/admin/partners',
    {
      config: { role: 'owner' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Create a partner and its first API key',
        description: 'The key is in this answer only; it is stored as a hash. Give it to the partner over a channel you trust.',
        body: z.object({ name: z.string().trim().min(1).max(100).refine((value) => !/[\r\n]/.test(value), 'must be on one line'), contactEmail: emailAddress }),
        response: { 201: z.object({ partner: partnerOut, key: issuedKeyOut }), ...responses },
      },
    },
    async (request, reply) => {
      const { partner, key } = await createPartner(db, request.body);
      request.log.info({ partner: partner.id, keyPrefix: key.prefix }, 'partner created');
      await audit(deps, request, { action: 'partner.create', objectType: 'partner', objectId: partner.id, detail: { name: partner.name, keyPrefix: key.prefix } });
      return reply.code(201).send({ partner: { ...partner, createdAt: partner.createdAt.toISOString() }, key: issued(key) });
    },
  );

  routes.get(
    '/api/admin/partners',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Partners with their keys (prefixes only) and open feed counts',
        response: { 200: z.object({ partners: z.array(partnerOut.extend({ feeds: z.number(), keys: z.array(keyOut) })) }), ...responses },
      },
    },
    async (request) => {
      const show = addressView(request);
      return {
        partners: (await listPartners(db)).map((partner) => ({
          ...partner,
          contactEmail: show(partner.contactEmail),
          createdAt: partner.createdAt.toISOString(),
          keys: partner.keys.map(keyView),
        })),
      };
    },
  );

  routes.post(
    '/api/admin/partners/:id/keys',
    {
      config: { role: 'owner' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Rotate: issue a new API key',
        description:
          'Existing keys keep working until revoked, so the partner can switch over first; `revokeOthers: true` revokes them at once. The new key is in this answer only.',
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z.object({ revokeOthers: z.boolean().default(false) }).nullish(),
        response: { 201: z.object({ key: issuedKeyOut }), ...responses },
      },
    },
    async (request, reply) => {
      const key = await issuePartnerKey(db, request.params.id, { revokeOthers: request.body?.revokeOthers ?? false }, feedDeps.now());
      request.log.info({ partner: request.params.id, keyPrefix: key.prefix }, 'partner key issued');
      await audit(deps, request, { action: 'partner.key-issue', objectType: 'partner', objectId: request.params.id, detail: { keyPrefix: key.prefix, revokeOthers: request.body?.revokeOthers ?? false } });
      return reply.code(201).send({ key: issued(key) });
    },
  );

  routes.delete(
    '/api/admin/partners/:id/keys/:keyId',
    {
      config: { role: 'owner' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Revoke an API key',
        description: 'From now on the key answers 401. Revoking it again changes nothing.',
        params: z.object({ id: z.coerce.number().int().positive(), keyId: z.coerce.number().int().positive() }),
        response: { 200: z.object({ key: keyOut }), ...responses },
      },
    },
    async (request) => {
      const key = await revokePartnerKey(db, request.params.id, request.params.keyId, feedDeps.now());
      request.log.info({ partner: request.params.id, keyPrefix: key.prefix }, 'partner key revoked');
      await audit(deps, request, { action: 'partner.key-revoke', objectType: 'partner', objectId: request.params.id, detail: { keyPrefix: key.prefix } });
      return { key: keyView(key) };
    },
  );

  routes.get(
    '/api/admin/feed-requests',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Feed requests, oldest first',
        querystring: z.object({ status: z.enum([...feedStatuses, 'all']).default('requested') }),
        response: {
          200: z.object({ feedRequests: z.array(feedOut.extend({ partner: partnerOut.omit({ createdAt: true }) })) }),
          ...responses,
        },
      },
    },
    async (request) => {
      const rows = await feedRequests(db, request.query.status === 'all' ? undefined : request.query.status);
      const recipients = await recipientsOf(db, rows.map((row) => row.feed.id));
      const show = addressView(request);
      return {
        feedRequests: rows.map((row) => {
          const view = feedView(row.feed, recipients.get(row.feed.id)!);
          return {
            ...view,
            recipients: view.recipients.map((recipient) => ({ ...recipient, email: show(recipient.email) })),
            partner: { ...row.partner, contactEmail: show(row.partner.contactEmail) },
          };
        }),
      };
    },
  );

  const requestParams = z.object({ id: z.string().max(100).describe('The feed id (a UUID)') });

  routes.post(
    '/api/admin/feed-requests/:id/approve',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Approve a feed request',
        description: "The feed goes live (its Atom URL answers), a confirmation link is queued for each recipient (a job mails them), and the partner's contact is told.",
        params: requestParams,
        body: z.object({ note: note.optional() }).nullish(),
        response: { 200: decisionOut, ...responses },
      },
    },
    async (request) => {
      const decided = await approveFeedRequest(feedDeps, request.params.id, request.body?.note ?? null);
      await audit(deps, request, { action: 'feed.approve', objectType: 'feed', objectId: request.params.id, detail: { name: decided.feed.name, note: request.body?.note ?? null } });
      return decided;
    },
  );

  routes.post(
    '/api/admin/feed-requests/:id/reject',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['operators'],
        security,
        summary: 'Reject a feed request, saying why',
        description: "The note is mailed to the partner's contact. Nobody on the feed is mailed.",
        params: requestParams,
        body: z.object({ note }),
        response: { 200: decisionOut, ...responses },
      },
    },
    async (request) => {
      const decided = await rejectFeedRequest(feedDeps, request.params.id, request.body.note);
      await audit(deps, request, { action: 'feed.reject', objectType: 'feed', objectId: request.params.id, detail: { name: decided.feed.name, note: request.body.note } });
      return decided;
    },
  );
}
