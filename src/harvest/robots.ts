import robotsParserModule from 'robots-parser';
import type { Db } from '../db/client.js';
import type { RobotsVerdict } from '../db/schema/index.js';
import type { Logger } from '../logger.js';
import { recordRobots, type SourceRow } from './repo.js';
import { fetchText, normaliseBaseUrl, SiteError, type SitePolicy } from './site.js';

/**
 * Whether a council's robots.txt lets us read its web service. Our product
 * token is `council-digest`; the path asked about is the source's
 * `mgWebService.asmx`. Read at most once a day per source (the verdict is
 * kept in `sources.robots`); an unreachable robots.txt is read again next time.
 */

export const robotsToken = 'council-digest';

// robots-parser is CommonJS (module.exports = the function) while its types declare a default export.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/** How long a verdict read from the site is trusted. */
export const robotsMaxAgeMs = 24 * 3600_000;

/** Reads `{origin}/robots.txt` and says what it means for `{base}/mgWebService.asmx`. Never throws for the site's failings. */
export async function readRobots(base: string, policy: Pick<SitePolicy, 'timeoutMs' | 'userAgent' | 'maxAnswerBytes' | 'maxRedirects'>, now: Date, fetchImpl?: typeof fetch): Promise<RobotsVerdict> {
  const robotsUrl = new URL('/robots.txt', base).toString();
  const checkedAt = now.toISOString();
  try {
    const answer = await fetchText(robotsUrl, { policy, base, fetchImpl, accept: 'text/plain, */*;q=0.1' });
    // As crawlers read it (RFC 9309): a 4xx means there are no rules; a 5xx or 429 that the site cannot say.
    if (answer.status === 429 || answer.status >= 500) return { verdict: 'unreachable', status: answer.status, checkedAt };
    if (answer.status >= 400) return { verdict: 'missing', status: answer.status, checkedAt };
    const robots = robotsParser(robotsUrl, answer.text);
    const serviceUrl = `${base}/mgWebService.asmx/GetCommittees`;
    const line = robots.getMatchingLineNumber(serviceUrl, robotsToken);
    const rule = line > 0 ? answer.text.split(/\r\n|\r|\n/)[line - 1]?.trim() : undefined;
    const verdict = robots.isDisallowed(serviceUrl, robotsToken) ? 'disallowed' : 'allowed';
    return { verdict, ...(rule ? { rule } : {}), status: answer.status, checkedAt };
  } catch (error) {
    if (!(error instanceof SiteError)) throw error;
    // A redirect off the site's host is not followed, here as anywhere: that robots.txt cannot speak for this host, so there are no rules.
    return { verdict: error.kind === 'rejected' ? 'missing' : 'unreachable', checkedAt };
  }
}

/** The kept verdict while it is fresh; an unreachable one never is. */
export function freshVerdict(kept: RobotsVerdict | null, now: Date): RobotsVerdict | undefined {
  if (!kept || kept.verdict === 'unreachable') return undefined;
  return now.getTime() - Date.parse(kept.checkedAt) < robotsMaxAgeMs ? kept : undefined;
}

/**
 * Why robots.txt stops a harvest, or undefined when it may go ahead: a rule
 * that disallows us, or a robots.txt that could not be read (5xx, 429,
 * timeout, network), which counts as disallowing until it can be read. An
 * operator's record of the council's permission lets it go ahead either way.
 */
export function robotsRefusal(verdict: RobotsVerdict, permission: string | null): string | undefined {
  if (permission) return undefined;
  if (verdict.verdict === 'disallowed') return `robots.txt disallows ${robotsToken} for mgWebService.asmx ("${verdict.rule ?? 'Disallow'}"): not harvested unless the council's permission is recorded`;
  if (verdict.verdict === 'unreachable') {
    return `robots.txt could not be read (${verdict.status ?? 'no answer'}): not harvested until it can be, as crawlers do, unless the council's permission is recorded`;
  }
  return undefined;
}

/** What the robots verdict says in a few words, for tables and the console. */
export function describeVerdict(verdict: RobotsVerdict | null, permission: string | null): string {
  if (!verdict) return 'not read yet';
  const said =
    verdict.verdict === 'disallowed'
      ? `disallowed ("${verdict.rule ?? 'Disallow'}")`
      : verdict.verdict === 'unreachable'
        ? `unreachable${verdict.status ? ` (${verdict.status})` : ''}`
        : verdict.verdict === 'missing'
          ? `no robots.txt (${verdict.status ?? 404})`
          : 'allowed';
  return permission && verdict.verdict !== 'allowed' && verdict.verdict !== 'missing' ? `${said}; permission: ${permission}` : said;
}

/**
 * Before a harvest calls the web service: the source's robots.txt verdict
 * (kept a day, else read and kept), and a SiteError (`refused`) when it
 * stops the harvest. Returns the verdict.
 */
export async function robotsGate(
  deps: { db: Db; logger: Logger; now: () => Date; fetch?: typeof fetch },
  source: Pick<SourceRow, 'id' | 'url' | 'robots' | 'robotsPermission'>,
  policy: SitePolicy,
): Promise<RobotsVerdict> {
  const base = normaliseBaseUrl(source.url);
  let verdict = freshVerdict(source.robots, deps.now());
  if (!verdict) {
    verdict = await readRobots(base, policy, deps.now(), deps.fetch);
    await recordRobots(deps.db, source.id, verdict);
  }
  const refusal = robotsRefusal(verdict, source.robotsPermission);
  if (refusal) throw new SiteError(refusal, new URL('/robots.txt', base).toString(), 'refused');
  if (source.robotsPermission && verdict.verdict !== 'allowed' && verdict.verdict !== 'missing') {
    deps.logger.info({ source: source.id, robots: verdict, permission: source.robotsPermission }, 'robots.txt would stop this harvest: going ahead on the permission recorded');
  }
  return verdict;
}
