import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatRules, parseRules, topicEffect } from '../../../console/topic-effect.js';
import { listTopicsWithRules, saveTopic } from '../../../meetings/catalogue.js';
import { TaxonomyError } from '../../../meetings/topics/tagger.js';
import { retagAll } from '../../../meetings/topics/service.js';
import type { AppDeps } from '../../deps.js';
import type { ApiCache } from '../../caches.js';
import { ApiError } from '../../errors.js';
import { pageContext } from './context.js';
import { topicPage, topicsPage, type TopicRow } from './topics-page.js';
import { sendPage } from '../../html/support.js';
import { audit } from '../../plugins/roles.js';

const slugParams = z.object({ slug: z.string().max(60) });
const ruleForm = z.object({ threshold: z.coerce.number().positive().max(100), rules: z.string().max(50_000) }).passthrough();

/** Topics and their rules: see what an edit would tag and untag, then save it and retag. */
export async function consoleTopicRoutes(app: FastifyInstance, deps: AppDeps, cache: ApiCache) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const zone = deps.config.DIGEST_TZ;

  const topicOf = async (slug: string): Promise<TopicRow> => {
    const topic = (await listTopicsWithRules(db)).find((each) => each.slug === slug);
    if (!topic) throw new ApiError(404, `No topic ${slug}`);
    return topic;
  };
  const checked = async (request: FastifyRequest, reply: FastifyReply, topic: TopicRow, form: z.output<typeof ruleForm>) => {
    const { rules, problems } = parseRules(form.rules);
    if (!rules.length) problems.push('A topic needs at least one term');
    const page = (extra: { problems?: string[]; effect?: Awaited<ReturnType<typeof topicEffect>> }) =>
      topicPage(pageContext(request, reply), { topic, threshold: form.threshold, rulesText: form.rules, ...extra });
    if (problems.length) return { rules: null, answer: () => sendPage(reply, 422, page({ problems })) };
    try {
      const effect = await topicEffect(db, topic.slug, { threshold: form.threshold, rules });
      return { rules, answer: () => sendPage(reply, 200, page({ effect })) };
    } catch (error) {
      if (error instanceof TaxonomyError) return { rules: null, answer: () => sendPage(reply, 422, page({ problems: [error.message] })) };
      throw error;
    }
  };

  routes.get('/admin/topics', { schema: { hide: true }, config: { role: 'viewer', consolePage: true } }, async (request, reply) =>
    sendPage(reply, 200, topicsPage(pageContext(request, reply), { topics: await listTopicsWithRules(db), zone })),
  );

  routes.get('/admin/topics/:slug', { schema: { hide: true, params: slugParams }, config: { role: 'viewer', consolePage: true } }, async (request, reply) => {
    const topic = await topicOf(request.params.slug);
    return sendPage(reply, 200, topicPage(pageContext(request, reply), { topic, threshold: topic.threshold, rulesText: formatRules(topic.rules) }));
  });

  routes.post(
    '/admin/topics/:slug/check',
    { schema: { hide: true, params: slugParams, body: ruleForm }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => (await checked(request, reply, await topicOf(request.params.slug), request.body)).answer(),
  );

  routes.post(
    '/admin/topics/:slug',
    { schema: { hide: true, params: slugParams, body: ruleForm }, config: { role: 'operator', consolePage: true } },
    async (request, reply) => {
      const topic = await topicOf(request.params.slug);
      const { rules, problems } = parseRules(request.body.rules);
      if (problems.length || !rules.length) return (await checked(request, reply, topic, request.body)).answer();
      try {
        await saveTopic(db, topic.slug, { threshold: request.body.threshold, rules });
      } catch (error) {
        if (error instanceof TaxonomyError) return (await checked(request, reply, topic, request.body)).answer();
        throw error;
      }
      const totals = await retagAll(db).finally(() => cache.invalidate());
      await audit(deps, request, { action: 'topic.edit', objectType: 'topic', objectId: topic.slug, detail: { threshold: request.body.threshold, rules } });
      await audit(deps, request, { action: 'topics.retag', objectType: 'topics', detail: { ...totals } });
      const notice = `Saved ${topic.name} and retagged ${totals.meetings} meetings (${totals.sections} sections).`;
      return sendPage(reply, 200, topicsPage(pageContext(request, reply), { topics: await listTopicsWithRules(db), notice, zone }));
    },
  );
}
