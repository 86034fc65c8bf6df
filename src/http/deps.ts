import type { AppDeps } from './app.js';

/** The app's clock: tests pin it; link and form tokens are issued and checked against it. */
export function clockOf(deps: Pick<AppDeps, 'now'>): () => Date {
  return deps.now ?? (() => new Date());
}

/**
 * What every capability that mails people and signs links takes from the
 * app's dependencies; each adds its own limits on top.
 */
export function mailingDeps(deps: AppDeps) {
  return {
    db: deps.database.db,
    mailer: deps.mailer,
    templates: deps.templates,
    secret: deps.tokenSecret,
    baseUrl: deps.config.PUBLIC_BASE_URL,
    logger: deps.logger,
    now: clockOf(deps),
  };
}
