import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { councils, sourceKinds } from '../db/schema/index.js';
import { ImportError } from '../meetings/errors.js';
import { slugify } from '../meetings/names.js';
import { seedCouncils, seedMeetings, seedsFolder } from '../meetings/seed.js';
import type { ImportOutcome } from '../meetings/store.js';
import { upsertSource } from './repo.js';
import { normaliseBaseUrl } from './site.js';

const sourceSeed = z.array(
  z.object({
    name: z.string().min(1),
    slug: z.string().optional(),
    /** The council's own publishing site, which harvests read. */
    // timeoutSeconds: for a slow site (self-hosted ModernGov can take a minute); an operator's own is kept.
    source: z.object({ kind: z.enum(sourceKinds), url: z.url({ protocol: /^https?$/ }), timeoutSeconds: z.number().int().min(5).max(300).optional() }).optional(),
  }),
);

/**
 * Loads seeds/: the councils (with the other names pages use for them),
 * their sites as harvest sources, and every meeting record. Safe to run
 * again: unchanged records stay unchanged.
 */
export async function seedDatabase(db: Db, folder = seedsFolder): Promise<{ councils: number; meetings: ImportOutcome[] }> {
  const councilCount = await seedCouncilSites(db, folder);
  return { councils: councilCount, meetings: await seedMeetings(db, folder) };
}

/** The councils alone (meetings/seed.ts), then their sites as harvest sources. */
export async function seedCouncilSites(db: Db, folder = seedsFolder): Promise<number> {
  const councilCount = await seedCouncils(db, folder);
  await seedSources(db, folder);
  return councilCount;
}

/**
 * The councils' sites in seeds/councils.json, as harvest sources (after
 * the councils). An operator's enabling or disabling of one is kept.
 */
export async function seedSources(db: Db, folder = seedsFolder): Promise<number> {
  const councilFile = path.join(folder, 'councils.json');
  const parsed = sourceSeed.safeParse(JSON.parse(await readFile(councilFile, 'utf8')));
  if (!parsed.success) {
    throw new ImportError(`${councilFile}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const seeded = parsed.data.flatMap((council) => (council.source ? [{ slug: council.slug ?? slugify(council.name), source: council.source }] : []));
  if (!seeded.length) return 0;
  const rows = await db.select({ id: councils.id, slug: councils.slug }).from(councils).where(inArray(councils.slug, seeded.map((council) => council.slug)));
  const ids = new Map(rows.map((row) => [row.slug, row.id]));
  for (const { slug, source } of seeded) {
    const councilId = ids.get(slug);
    if (councilId === undefined) throw new ImportError(`${councilFile}: council ${slug} has a source but is not stored: seed the councils first`);
    await upsertSource(db, councilId, source.kind, normaliseBaseUrl(source.url), source.timeoutSeconds);
  }
  return seeded.length;
}
