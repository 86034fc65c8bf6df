import path from 'node:path';
import { DateTime } from 'luxon';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { seedsFolder } from '../meetings/seed.js';
import { serveRecordedSite, type RecordedSite } from './recorded-site.js';
import { createSource, findSourceOfCouncil, queueHarvest, updateSource, type HarvestRow } from './repo.js';
import { harvestWindow, runHarvest } from './run.js';

/**
 * The demo's harvest: Hertfordshire County Council's site as recorded in
 * seeds/moderngov/hertfordshire, served on loopback, its dates moved by whole
 * weeks so that what it recorded for the week of 16 June 2025 falls in the
 * week the demo's digest covers, and the rest in the weeks after it. It is
 * harvested as the nightly harvest would be on the morning of the run.
 */

/** The Monday of the week the recorded answers were written for. */
export const demoAnchorWeek = '2025-06-16';
export const demoSiteFolder = path.join(seedsFolder, 'moderngov', 'hertfordshire');
const demoCouncil = 'Hertfordshire County Council';

export async function harvestDemoSite(
  deps: { db: Db; logger: Logger; userAgent: string },
  options: { week: string; zone: string; folder?: string },
): Promise<{ site: RecordedSite; harvest: HarvestRow }> {
  const shiftDays = Math.round(DateTime.fromISO(options.week).diff(DateTime.fromISO(demoAnchorWeek), 'weeks').weeks) * 7;
  const site = await serveRecordedSite(options.folder ?? demoSiteFolder, { shiftDays });
  try {
    // The nightly harvest of the morning the week's digest is sent.
    const now = DateTime.fromISO(options.week, { zone: options.zone }).plus({ weeks: 1 }).set({ hour: 5 }).toJSDate();
    const existing = await findSourceOfCouncil(deps.db, demoCouncil);
    const source = existing ? await updateSource(deps.db, existing.id, { url: site.url, enabled: true }) : await createSource(deps.db, { council: demoCouncil, kind: 'moderngov', url: site.url });
    const { id } = await queueHarvest(deps.db, { sourceId: source!.id, ...harvestWindow(now, options.zone), trigger: 'demo' });
    const harvest = await runHarvest({ db: deps.db, logger: deps.logger, userAgent: deps.userAgent, now: () => now, policy: { pauseMs: 0 } }, id);
    return { site, harvest };
  } catch (error) {
    await site.close();
    throw error;
  }
}
