import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { meetingDateLabel } from '../../digests/week.js';
import { confirmFollow, openFollow, type FollowLink } from '../../follows/follow.js';
import { subscriberLinks } from '../../subscribers/links.js';
import { clockOf, type AppDeps } from '../deps.js';
import { readForm } from '../html/forms.js';
import { assertFormPost, formTarget, sendPage } from '../html/support.js';
import { linkTokenParams } from '../schemas.js';
import { followedPage, followPage } from './follow-pages.js';
import { formBodyLimit } from './signup.js';

const followParams = z.object({
  token: linkTokenParams.shape.token,
  meeting: z.string().max(20),
  kind: z.string().max(20),
  value: z.string().max(600),
});

/**
 * A Follow link (a digest's, its web view's): GET shows what would be
 * followed and a confirm button; only the POST, from that page, follows.
 */
export async function followPages(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const now = clockOf(deps);
  const followDeps = { db: deps.database.db, secret: deps.tokenSecret, now };
  const link = (params: z.infer<typeof followParams>): FollowLink => ({ token: params.token, meetingId: params.meeting, kind: params.kind, value: params.value });
  const managePath = (subscriber: Parameters<typeof subscriberLinks>[2]) => subscriberLinks('', deps.tokenSecret, subscriber, now()).manage();
  const path = '/follow/:token/:meeting/:kind/:value';
  const options = { schema: { hide: true, params: followParams }, config: { linkPurpose: 'follow' as const } };

  routes.get(path, options, async (request, reply) => {
    const offer = await openFollow(followDeps, link(request.params));
    return sendPage(
      reply,
      200,
      followPage({
        offer,
        date: meetingDateLabel(offer.meeting.startsAt.toISOString(), deps.config.DIGEST_TZ),
        follow: formTarget(deps.tokenSecret, request.url.split('?')[0]!, now()),
        managePath: managePath(offer.subscriber),
      }),
    );
  });

  routes.post(path, { ...options, bodyLimit: formBodyLimit }, async (request, reply) => {
    const offer = await openFollow(followDeps, link(request.params));
    assertFormPost(request, deps);
    const alerts = readForm(request.body).text('alerts') === 'on';
    const { follow, created } = await confirmFollow(followDeps.db, offer, alerts);
    return sendPage(reply, 200, followedPage({ offer, created, alerts: follow.alerts, managePath: managePath(offer.subscriber) }));
  });
}
