import { DateTime } from 'luxon';
import type { Db } from '../db/client.js';
import type { HarvestError, HarvestWarning } from '../db/schema/index.js';
import type { Logger } from '../logger.js';
import { ImportError } from '../meetings/errors.js';
import { importMeeting, topicIdsBySlug, validateMeeting, type ImportAction } from '../meetings/store.js';
import { loadTagger } from '../meetings/topics/service.js';
import type { HarvestMetrics } from './metrics.js';
import { readCommittees, readMeeting, readMeetingStubs, type MgCommittee, type MgMeetingStub } from './moderngov.js';
import { clearRefusal, failingAfter, findHarvest, findSource, finishHarvest, markRunning, noteRefusal, recordProgress, type HarvestCounts } from './repo.js';
import { robotsGate } from './robots.js';
import { defaultSitePolicy, openSite, SiteError, type SitePolicy } from './site.js';
import { checkMeeting, meetingFromSite, siteDay, siteZone, UnreadableValueError } from './to-meeting.js';

export interface HarvestDeps {
  db: Db;
  logger: Logger;
  /** Names the service and its PUBLIC_BASE_URL to the councils' sites. */
  userAgent: string;
  now: () => Date;
  policy?: Partial<SitePolicy>;
  metrics?: HarvestMetrics;
  fetch?: typeof fetch;
}

export interface HarvestProgress {
  done: number;
  total: number;
}

/** The default window: minutes arrive weeks late, agendas about a week early. */
export const defaultWindow = { daysBack: 28, daysAhead: 56 };

export function harvestWindow(now: Date, zone: string, given: { from?: string; to?: string } = {}): { from: string; to: string } {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  return {
    from: given.from ?? today.minus({ days: defaultWindow.daysBack }).toISODate()!,
    to: given.to ?? today.plus({ days: defaultWindow.daysAhead }).toISODate()!,
  };
}

/** ModernGov's date parameters: dd/mm/yyyy. */
const siteDate = (iso: string) => DateTime.fromISO(iso).toFormat('dd/MM/yyyy');

/** At most this many errors are kept on a harvest; the count of the rest is kept in the last one. */
const errorsKept = 100;
/** At most this many warnings are kept on a harvest; `warningCount` counts them all. */
const warningsKept = 100;

/**
 * The health note of a source whose harvest read meetings but not one agenda
 * item, though the site did not say every agenda was unpublished: its
 * answers may have changed shape, and digests would show empty meetings.
 */
export function emptyReadNote(read: { meetings: number; items: number; agendasUnpublished: number }): string | null {
  if (read.meetings === 0 || read.items > 0 || read.agendasUnpublished === read.meetings) return null;
  return `read ${read.meetings} ${read.meetings === 1 ? 'meeting' : 'meetings'} and no agenda items: the site's answers may have changed shape`;
}

/**
 * Runs one queued harvest: reads the source's committees, each live
 * committee's meetings in the window, then each meeting, and stores it as a
 * harvest (meetings/store.ts). A meeting that cannot be read or stored is an
 * error on the harvest, never its end; the next harvest tries it again. The
 * harvest fails only when nothing could be read at all. Running it again
 * (a job retried after a crash) starts it over: stores are idempotent.
 */
export async function runHarvest(deps: HarvestDeps, harvestId: number, onProgress: (progress: HarvestProgress) => void = () => {}) {
  const { db, logger } = deps;
  const harvest = await findHarvest(db, harvestId);
  if (!harvest) throw new Error(`No harvest ${harvestId}`);
  if (harvest.status === 'finished' || harvest.status === 'failed') return harvest;
  const source = await findSource(db, harvest.sourceId);
  if (!source) throw new Error(`No source ${harvest.sourceId}`);
  const log = logger.child({ harvest: harvestId, source: source.id, council: source.council });
  const started = deps.now();
  await markRunning(db, harvestId, started);
  log.info({ url: source.url, from: harvest.from, to: harvest.to }, 'harvest started');

  const policy = sitePolicy(deps, source);
  const site = openSite(source.url, policy, deps.fetch);
  const counts: HarvestCounts = { total: 0, done: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, requests: 0, items: 0, errors: [], warnings: [], warningCount: 0 };
  const errors: HarvestError[] = [];
  const fail = (error: HarvestError) => {
    errors.push(error);
    log.warn(error, 'harvest error');
  };
  const unknownSeen = new Set<string>();
  const warn = (warning: HarvestWarning) => {
    if (counts.warnings.length < warningsKept) counts.warnings.push(warning);
    counts.warningCount += 1;
    deps.metrics?.warnings.inc({ source: source.councilSlug, kind: warning.kind });
    log.warn(warning, `harvest warning: ${warning.message}`);
  };
  const read = { meetings: 0, agendasUnpublished: 0 };
  let lastSaved = 0;
  const save = async (force = false) => {
    counts.requests = site.requests;
    counts.errors = errors.length > errorsKept ? [...errors.slice(0, errorsKept - 1), { message: `and ${errors.length - errorsKept + 1} more errors` }] : errors;
    // Progress is written about once a second, not per meeting.
    if (force || Date.now() - lastSaved > 1000) {
      lastSaved = Date.now();
      await recordProgress(db, harvestId, counts);
    }
  };

  let status: 'finished' | 'failed' = 'finished';
  try {
    await robotsGate(deps, source, policy);
    const committees = readCommittees(await site.call('GetCommittees')).filter((committee) => committee.live);
    const window = { from: DateTime.fromISO(harvest.from, { zone: siteZone }), to: DateTime.fromISO(harvest.to, { zone: siteZone }).endOf('day') };
    const lists = await Promise.all(committees.map((committee) => meetingsOf(committee)));
    if (committees.length > 0 && lists.every((list) => list === null)) {
      throw new SiteError('no committee\'s meetings could be read', `${site.baseUrl}/mgWebService.asmx/GetMeetings`);
    }
    const seen = new Set<string>();
    const wanted: { stub: MgMeetingStub; committee: MgCommittee }[] = [];
    lists.forEach((list, index) => {
      for (const stub of list ?? []) {
        if (seen.has(stub.id)) continue;
        seen.add(stub.id);
        // Some sites ignore the range and send the whole history: never fetch a meeting outside the window.
        const day = siteDay(stub.date);
        if (!day) {
          counts.skipped += 1;
          warn({ kind: 'bad-date', meeting: stub.id, message: `meeting ${stub.id} of ${committees[index]!.title} has the date "${stub.date}", which is no day we can read: not fetched` });
        } else if (day < window.from.startOf('day') || day > window.to) counts.skipped += 1;
        else wanted.push({ stub, committee: committees[index]! });
      }
    });
    counts.total = wanted.length;
    onProgress({ done: 0, total: counts.total });
    await save(true);

    const tagger = await loadTagger(db);
    const knownTopics = await topicIdsBySlug(db);
    // The site's queue paces the requests; stores run as answers arrive.
    await Promise.all(
      wanted.map(async ({ stub, committee }) => {
        try {
          const meeting = readMeeting(await site.call('GetMeeting', { lMeetingId: stub.id }));
          read.meetings += 1;
          counts.items += meeting.items.length;
          if (meeting.agendaPublished === false) read.agendasUnpublished += 1;
          for (const path of meeting.unknown) {
            if (unknownSeen.has(path)) continue;
            unknownSeen.add(path);
            warn({ kind: 'unknown-element', meeting: meeting.id, message: `<${path.replace('/', '> holds <')}>, an element the reader does not know` });
          }
          for (const warning of checkMeeting(meeting)) warn({ ...warning, meeting: meeting.id });
          const record = validateMeeting(
            meetingFromSite(meeting, {
              council: source.council,
              committee: committee.title || meeting.committeeTitle,
              committeeId: committee.id,
              baseUrl: site.baseUrl,
              now: deps.now(),
            }),
          );
          const outcome = await importMeeting(db, record, tagger, knownTopics, { origin: 'harvest', harvestKey: `${source.id}:${meeting.id}`, now: deps.now() });
          count(outcome.action);
        } catch (error) {
          if (error instanceof UnreadableValueError) {
            counts.skipped += 1;
            warn({ kind: error.kind, meeting: stub.id, message: `meeting ${stub.id}: ${error.message}: not stored` });
          } else {
            fail({ meeting: stub.id, message: describe(error) });
          }
        } finally {
          counts.done += 1;
          onProgress({ done: counts.done, total: counts.total });
          await save();
        }
      }),
    );
  } catch (error) {
    status = 'failed';
    fail({ message: `The site cannot be read: ${describe(error)}` });
    if (error instanceof SiteError && error.kind === 'refused') await noteRefusal(db, source.id, error.message);
  }
  if (status === 'finished') await clearRefusal(db, source.id);

  await save(true);
  const healthNote = status === 'finished' ? emptyReadNote({ ...read, items: counts.items }) : undefined;
  const { consecutiveFailures } = await finishHarvest(db, harvestId, { status, counts, at: deps.now(), healthNote });
  if (healthNote) log.warn({ meetings: read.meetings, items: counts.items }, `source is failing: ${healthNote}`);
  deps.metrics?.recordHarvest(source.councilSlug, status, counts);
  const summary = { status, created: counts.created, updated: counts.updated, unchanged: counts.unchanged, skipped: counts.skipped, items: counts.items, errors: errors.length, warnings: counts.warningCount, requests: counts.requests };
  if (status === 'failed' && consecutiveFailures >= failingAfter) {
    log.warn({ ...summary, consecutiveFailures }, `source has failed ${consecutiveFailures} harvests in a row`);
  } else {
    log.info(summary, 'harvest ended');
  }
  return (await findHarvest(db, harvestId))!;

  function count(action: ImportAction) {
    counts[action] += 1;
    deps.metrics?.meetings.inc({ source: source!.councilSlug, action });
  }

  async function meetingsOf(committee: MgCommittee): Promise<MgMeetingStub[] | null> {
    try {
      const answer = await site.call('GetMeetings', { lCommitteeId: committee.id, sFromDate: siteDate(harvest!.from), sToDate: siteDate(harvest!.to) });
      return readMeetingStubs(answer);
    } catch (error) {
      fail({ meeting: `committee ${committee.id} (${committee.title})`, message: describe(error) });
      return null;
    }
  }
}

/** The site's policy: the service's, with the source's own timeout when it has one. */
export function sitePolicy(deps: Pick<HarvestDeps, 'policy' | 'userAgent'>, source: { timeoutSeconds: number | null }): SitePolicy {
  const policy = { ...defaultSitePolicy, ...deps.policy, userAgent: deps.userAgent };
  return source.timeoutSeconds ? { ...policy, timeoutMs: source.timeoutSeconds * 1000 } : policy;
}

function describe(error: unknown): string {
  if (error instanceof SiteError) return `${error.message} (${error.url})`;
  if (error instanceof ImportError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
