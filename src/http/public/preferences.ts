import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { linkTokenParams } from '../schemas.js';
import { subscriberLinks, webcalUrl } from '../../subscribers/links.js';
import { applyAction, availableActions, changeFilters, openLink, type SubscriberAction } from '../../subscribers/preferences.js';
import type { Subscriber } from '../../subscribers/repo.js';
import { unsubscribeByToken } from '../../feeds/unsubscribe.js';
import { loadCatalogue } from '../../meetings/catalogue.js';
import { checkFilters, type Problem } from '../../subscribers/signup.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { filtersFromForm, readForm, wantsCommitteeSearch } from '../html/forms.js';
import { preferencesPage, resubscribedPage, unsubscribedPage, unsubscribePage } from './subscription-pages.js';
import { assertFormPost, formTarget, sendPage } from '../html/support.js';
import { formBodyLimit } from './signup.js';
import { alertCommitteesOf, setAlertCommittees } from '../../alerts/opt-in.js';
import { alertCommitteeFields } from './alert-pages.js';
import { describeFollow } from '../../follows/match.js';
import { followsOf, removeFollow, setFollowAlerts } from '../../follows/repo.js';


const notices: Record<Exclude<SubscriberAction, 'unsubscribe'>, string> = {
  pause: 'Your digest is paused.',
  resume: 'Your digest is back on: the next one comes on Monday.',
  resubscribe: "You're subscribed again.",
};

/**
 * RFC 8058 one-click unsubscribe: mailbox providers POST
 * `List-Unsubscribe=One-Click`, usually form-encoded but possibly as
 * multipart/form-data. Only that one field matters, so a multipart body is
 * read for it alone rather than pulling in a multipart parser.
 */
function oneClickFromMultipart(body: string): Record<string, string> {
  return /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(body) ? { 'List-Unsubscribe': 'One-Click' } : {};
}

/** The preference centre and the unsubscribe pages, reached only through mailed links. */
export async function preferencePages(app: FastifyInstance, deps: AppDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { subscribers } = deps;
  const secret = deps.tokenSecret;
  const paths = (subscriber: Subscriber) => subscriberLinks('', secret, subscriber, subscribers.now());
  const target = (action: string) => formTarget(secret, action, subscribers.now());
  // Calendar apps fetch the feed themselves, so its address is absolute; it answers 410 unless active or paused.
  const calendar = (subscriber: Subscriber) => {
    if (subscriber.status !== 'active' && subscriber.status !== 'paused') return null;
    const ics = subscriberLinks(deps.config.PUBLIC_BASE_URL, secret, subscriber, subscribers.now()).calendar();
    return { ics, webcal: webcalUrl(ics) };
  };

  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: formBodyLimit }, (_request, body, done) =>
    done(null, oneClickFromMultipart(body as string)),
  );

  const renderPreferences = async (subscriber: Subscriber, extra: { notice?: string; problems?: Problem[]; chosen?: Subscriber; committeeSearch?: string } = {}) =>
    preferencesPage({
      email: subscriber.email ?? '',
      status: subscriber.status,
      actions: availableActions(subscriber.status),
      catalogue: await loadCatalogue(deps.database.db),
      follows: (await followsOf(deps.database.db, subscriber.id)).map((follow) => ({ id: follow.id, label: follow.label, lookingFor: describeFollow(follow), alerts: follow.alerts })),
      chosen: extra.chosen ?? subscriber,
      preferences: target(paths(subscriber).manage()),
      unsubscribe: target(paths(subscriber).unsubscribe()),
      calendar: calendar(subscriber),
      ...(extra.notice ? { notice: extra.notice } : {}),
      ...(extra.problems ? { problems: extra.problems } : {}),
      ...(extra.committeeSearch ? { committeeSearch: extra.committeeSearch } : {}),
      ...(deps.alerts.enabled
        ? { alerts: alertCommitteeFields({ target: target(paths(subscriber).manage()), chosen: await alertCommitteesOf(deps.database.db, subscriber.id), catalogue: await loadCatalogue(deps.database.db) }) }
        : {}),
    });

  routes.get('/preferences/:token', { schema: { hide: true, params: linkTokenParams }, config: { linkPurpose: 'manage' } }, async (request, reply) => {
    const subscriber = await openLink(subscribers, request.params.token, 'manage');
    return sendPage(reply, 200, await renderPreferences(subscriber));
  });

  routes.post(
    '/preferences/:token',
    { schema: { hide: true, params: linkTokenParams }, bodyLimit: formBodyLimit, config: { linkPurpose: 'manage' } },
    async (request, reply) => {
      const subscriber = await openLink(subscribers, request.params.token, 'manage');
      assertFormPost(request, deps);
      const form = readForm(request.body);
      const action = form.text('action') || 'save';
      if (wantsCommitteeSearch(form)) {
        // The committee search: the form again with what was ticked so far, nothing saved.
        const committeeSearch = form.text('committee_search').slice(0, 100);
        return sendPage(reply, 200, await renderPreferences(subscriber, { chosen: { ...subscriber, ...filtersFromForm(form) }, committeeSearch }));
      }
      if (action === 'save') {
        const chosen = filtersFromForm(form);
        const checked = checkFilters(chosen, await loadCatalogue(deps.database.db));
        if (!checked.ok) {
          return sendPage(reply, checked.status, await renderPreferences(subscriber, { problems: checked.problems, chosen: { ...subscriber, ...chosen } }));
        }
        const saved = await changeFilters(subscribers, subscriber, checked.filters);
        return sendPage(reply, 200, await renderPreferences(saved, { notice: 'Your choices are saved.' }));
      }
      if (action === 'alerts' && deps.alerts.enabled) {
        await setAlertCommittees(deps.database.db, subscriber.id, form.list('alert_committees'));
        return sendPage(reply, 200, await renderPreferences(subscriber, { notice: 'Your alerts are saved.' }));
      }
      if (action === 'unfollow' || action === 'follow-alerts') {
        // Only the subscriber's own follows: another's id changes nothing.
        const followId = /^\d{1,15}$/.test(form.text('follow')) ? Number(form.text('follow')) : 0;
        const alerts = form.text('alerts') === 'on';
        const done =
          action === 'unfollow' ? await removeFollow(deps.database.db, subscriber.id, followId) : await setFollowAlerts(deps.database.db, subscriber.id, followId, alerts);
        const notice = !done ? 'That follow was already gone.' : action === 'unfollow' ? 'You no longer follow that item.' : alerts ? 'Alerts for that item are on.' : 'Alerts for that item are off.';
        return sendPage(reply, 200, await renderPreferences(subscriber, { notice }));
      }
      if (!Object.hasOwn(notices, action)) throw new ApiError(400, 'That is not something this page can do.');
      const { subscriber: after, changed } = await applyAction(subscribers, subscriber, action as keyof typeof notices);
      return sendPage(reply, 200, await renderPreferences(after, changed ? { notice: notices[action as keyof typeof notices] } : {}));
    },
  );

  routes.get('/unsubscribe/:token', { schema: { hide: true, params: linkTokenParams }, config: { linkPurpose: 'unsubscribe' } }, async (request, reply) => {
    const subscriber = await openLink(subscribers, request.params.token, 'unsubscribe');
    const links = paths(subscriber);
    return sendPage(
      reply,
      200,
      unsubscribePage({ email: subscriber.email ?? '', unsubscribe: target(links.unsubscribe()), managePath: links.manage() }),
    );
  });

  routes.post(
    '/unsubscribe/:token',
    { schema: { hide: true, params: linkTokenParams }, bodyLimit: formBodyLimit, config: { linkPurpose: 'unsubscribe' } },
    async (request, reply) => {
      // The one-click POST comes from a mail provider, with no page and so no form token: the link token is its authority.
      const oneClick = readForm(request.body).text('List-Unsubscribe') === 'One-Click';
      if (!oneClick) assertFormPost(request, deps);
      const { subscriber: after } = await unsubscribeByToken(subscribers, request.params.token, 'unsubscribe');
      return sendPage(reply, 200, unsubscribedPage({ email: after.email ?? '', resubscribe: target(paths(after).resubscribe()) }));
    },
  );

  // Opening the re-subscribe URL directly (a reload, a copied link) shows the button again: a GET changes nothing.
  routes.get('/resubscribe/:token', { schema: { hide: true, params: linkTokenParams }, config: { linkPurpose: 'resubscribe' } }, async (request, reply) => {
    const subscriber = await openLink(subscribers, request.params.token, 'resubscribe');
    if (subscriber.status !== 'unsubscribed') {
      return sendPage(reply, 200, resubscribedPage({ email: subscriber.email ?? '', managePath: paths(subscriber).manage(), changed: false }));
    }
    return sendPage(reply, 200, unsubscribedPage({ email: subscriber.email ?? '', resubscribe: target(request.url.split('?')[0]!) }));
  });

  routes.post(
    '/resubscribe/:token',
    { schema: { hide: true, params: linkTokenParams }, bodyLimit: formBodyLimit, config: { linkPurpose: 'resubscribe' } },
    async (request, reply) => {
      const subscriber = await openLink(subscribers, request.params.token, 'resubscribe');
      assertFormPost(request, deps);
      const { subscriber: after, changed } = await applyAction(subscribers, subscriber, 'resubscribe');
      return sendPage(reply, 200, resubscribedPage({ email: after.email ?? '', managePath: paths(after).manage(), changed }));
    },
  );
}
