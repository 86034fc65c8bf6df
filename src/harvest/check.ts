import { DateTime } from 'luxon';
import type { RobotsVerdict } from '../db/schema/index.js';
import { readCommittees, readMeeting, readMeetingStubs } from './moderngov.js';
import { recordCheck, recordRobots, type SourceRow } from './repo.js';
import { readRobots, robotsRefusal } from './robots.js';
import type { HarvestDeps } from './run.js';
import { sitePolicy } from './run.js';
import { openSite, SiteError } from './site.js';
import { siteZone } from './to-meeting.js';

/**
 * `sources check`: probes a source as a harvest would, without storing a
 * meeting: robots.txt (read afresh), GetCommittees with its latency, the
 * live committees, and the newest past meeting of the first committees that
 * have one, its items and their papers counted. Kept in `sources.last_check`.
 */
export interface SourceCheck {
  checkedAt: string;
  ok: boolean;
  robots: RobotsVerdict;
  /** Milliseconds GetCommittees took, when it answered. */
  committeesMs: number | null;
  committees: number | null;
  liveCommittees: number | null;
  meeting: { id: string; committee: string; date: string; items: number; papers: number } | null;
  requests: number;
  /** What stopped the check, or why no meeting was read. */
  problem: string | null;
}

/** Committees asked for their meetings before the check settles for none. */
const committeesTried = 5;
/** How far back a past meeting is looked for. */
const daysBack = 180;

export async function checkSource(deps: Omit<HarvestDeps, 'metrics'>, source: SourceRow): Promise<SourceCheck> {
  // One try per request: a check should say at once what a harvest would meet.
  const policy = { ...sitePolicy(deps, source), retries: 0 };
  const site = openSite(source.url, policy, deps.fetch);
  const now = deps.now();
  const check: SourceCheck = { checkedAt: now.toISOString(), ok: false, robots: { verdict: 'unreachable', checkedAt: now.toISOString() }, committeesMs: null, committees: null, liveCommittees: null, meeting: null, requests: 0, problem: null };
  try {
    check.robots = await readRobots(site.baseUrl, policy, now, deps.fetch);
    await recordRobots(deps.db, source.id, check.robots);
    const refusal = robotsRefusal(check.robots, source.robotsPermission);
    if (refusal) throw new SiteError(refusal, new URL('/robots.txt', site.baseUrl).toString(), 'refused');

    const started = performance.now();
    const committees = readCommittees(await site.call('GetCommittees'));
    check.committeesMs = Math.round(performance.now() - started);
    check.committees = committees.length;
    const live = committees.filter((committee) => committee.live);
    check.liveCommittees = live.length;

    const today = DateTime.fromJSDate(now, { zone: siteZone }).startOf('day');
    const range = { sFromDate: today.minus({ days: daysBack }).toFormat('dd/MM/yyyy'), sToDate: today.toFormat('dd/MM/yyyy') };
    for (const committee of live.slice(0, committeesTried)) {
      const past = readMeetingStubs(await site.call('GetMeetings', { lCommitteeId: committee.id, ...range }))
        .map((stub) => ({ stub, day: DateTime.fromFormat(stub.date.slice(0, 10), 'dd/MM/yyyy', { zone: siteZone }) }))
        .filter(({ day }) => day.isValid && day <= today)
        .sort((a, b) => b.day.toMillis() - a.day.toMillis());
      if (!past.length) continue;
      const meeting = readMeeting(await site.call('GetMeeting', { lMeetingId: past[0]!.stub.id }));
      // Papers under their items only: the reader on main keeps no meeting-level papers.
      const papers = meeting.items.reduce((sum, item) => sum + item.documents.length, 0);
      check.meeting = { id: meeting.id, committee: committee.title, date: past[0]!.day.toISODate()!, items: meeting.items.length, papers };
      break;
    }
    if (!check.meeting) check.problem = live.length ? `no meeting in the last ${daysBack} days among the first ${Math.min(live.length, committeesTried)} live committees` : 'no live committees';
    check.ok = check.meeting !== null;
  } catch (error) {
    check.problem = error instanceof SiteError ? `${error.message} (${error.url})` : (error as Error).message;
  }
  check.requests = site.requests;
  await recordCheck(deps.db, source.id, check as unknown as Record<string, unknown>);
  return check;
}
