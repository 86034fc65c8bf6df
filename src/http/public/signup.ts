import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { linkTokenParams } from '../schemas.js';
import { describeFilters } from '../../subscribers/filters.js';
import { subscriberLinks } from '../../subscribers/links.js';
import { confirmSubscription } from '../../subscribers/preferences.js';
import { loadCatalogue } from '../../meetings/catalogue.js';
import { checkSignUp, signUp } from '../../subscribers/signup.js';
import type { AppDeps } from '../deps.js';
import { checkWithCatalogue, type ApiCache } from '../caches.js';
import { formToken } from '../html/csrf.js';
import { filtersFromForm, readForm, wantsCommitteeSearch } from '../html/forms.js';
import { stylesheet, stylesheetPath } from '../html/layout.js';
import { checkInboxPage, confirmedPage, findCommitteesPath, signUpAction, signUpPage } from './signup-pages.js';
import { assertFormPost, sendPage } from '../html/support.js';

/** A sign-up form is a few hundred bytes; anything near this is not a person filling it in. */
export const formBodyLimit = 16 * 1024;


/** The sign-up side of the site: the form, its post, and the confirmation link. */
export async function signUpPages(app: FastifyInstance, deps: AppDeps, cache: ApiCache, limits: { signUp: onRequestHookHandler }) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { subscribers } = deps;
  const { db } = deps.database;

  routes.get(stylesheetPath, { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(stylesheet),
  );

  routes.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const catalogue = await cache.catalogue();
    return sendPage(reply, 200, signUpPage({ catalogue, baseUrl: deps.config.PUBLIC_BASE_URL, formToken: formToken(deps.tokenSecret, signUpAction, subscribers.now()) }));
  });

  // The committee search: the same form again, its choices kept, the committees narrowed. Nothing is written.
  const committeeSearchPage = async (form: ReturnType<typeof readForm>) =>
    signUpPage({
      catalogue: await cache.catalogue(),
      baseUrl: deps.config.PUBLIC_BASE_URL,
      formToken: formToken(deps.tokenSecret, signUpAction, subscribers.now()),
      email: form.text('email'),
      chosen: filtersFromForm(form),
      committeeSearch: form.text('committee_search').slice(0, 100),
    });
  routes.post(findCommitteesPath, { schema: { hide: true }, bodyLimit: formBodyLimit }, async (request, reply) =>
    sendPage(reply, 200, await committeeSearchPage(readForm(request.body))),
  );
  routes.get(findCommitteesPath, { schema: { hide: true } }, async (_request, reply) => reply.redirect('/', 303));

  // Reloading the check-your-inbox page from the address bar lands here: back to the form.
  routes.get(signUpAction, { schema: { hide: true } }, async (_request, reply) => reply.redirect('/', 303));

  routes.post(signUpAction, { schema: { hide: true }, bodyLimit: formBodyLimit, onRequest: limits.signUp }, async (request, reply) => {
    assertFormPost(request, deps);
    const form = readForm(request.body);
    if (wantsCommitteeSearch(form)) return sendPage(reply, 200, await committeeSearchPage(form));
    const input = { email: form.text('email'), ...filtersFromForm(form) };
    const { result: checked, catalogue } = await checkWithCatalogue(cache, (known) => checkSignUp(input, known));
    if (!checked.ok) {
      const page = signUpPage({
        catalogue,
        baseUrl: deps.config.PUBLIC_BASE_URL,
        formToken: formToken(deps.tokenSecret, signUpAction, subscribers.now()),
        email: input.email,
        chosen: input,
        problems: checked.problems,
      });
      return sendPage(reply, checked.status, page);
    }
    await signUp(subscribers, { ...checked, source: 'form' });
    return sendPage(reply, 200, checkInboxPage(checked.email));
  });

  routes.get(
    '/confirm/:token',
    { schema: { hide: true, params: linkTokenParams }, config: { linkPurpose: 'confirm' } },
    async (request, reply) => {
      const { subscriber, confirmedNow } = await confirmSubscription(subscribers, request.params.token);
      const catalogue = await loadCatalogue(db);
      return sendPage(
        reply,
        200,
        confirmedPage({
          confirmedNow,
          email: subscriber.email ?? '',
          choices: describeFilters(subscriber, catalogue),
          managePath: subscriberLinks('', deps.tokenSecret, subscriber, subscribers.now()).manage(),
        }),
      );
    },
  );
}
