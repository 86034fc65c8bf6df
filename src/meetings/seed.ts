import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { councils, sourceKinds } from '../db/schema/index.js';
import { upsertSource } from '../harvest/repo.js';
import { normaliseBaseUrl } from '../harvest/site.js';
import { ImportError } from './errors.js';
import { importRecords, recordsFromText } from './import.js';
import { slugify } from './names.js';
import type { ImportOutcome } from './store.js';

export const seedsFolder = fileURLToPath(new URL('../../seeds', import.meta.url));

const councilSeed = z.array(
  z.object({
    name: z.string().min(1),
    slug: z.string().optional(),
    aliases: z.array(z.string()).default([]),
    website: z.url().optional(),
    /** The council's own publishing site, which harvests read. */
    // timeoutSeconds: for a slow site (self-hosted ModernGov can take a minute); an operator's own is kept.
    source: z.object({ kind: z.enum(sourceKinds), url: z.url({ protocol: /^https?$/ }), timeoutSeconds: z.number().int().min(5).max(300).optional() }).optional(),
  }),
);

/**
 * Loads seeds/: the councils (with the other names pages use for them) and
 * every meeting record. Safe to run again: unchanged records stay unchanged.
 */
export async function seedDatabase(db: Db, folder = seedsFolder): Promise<{ councils: number; meetings: ImportOutcome[] }> {
  const councilCount = await seedCouncils(db, folder);
  const meetingFolder = path.join(folder, 'meetings');
  const files = (await readdir(meetingFolder)).filter((file) => file.endsWith('.json')).sort();
  const records = [];
  for (const file of files) {
    try {
      records.push(...recordsFromText(await readFile(path.join(meetingFolder, file), 'utf8'), { format: 'json' }));
    } catch (error) {
      if (error instanceof ImportError) throw new ImportError(`${file}: ${error.message}`, error.issues);
      throw error;
    }
  }
  return { councils: councilCount, meetings: await importRecords(db, records) };
}

/**
 * The councils alone, with the other names pages use for them and their
 * sites (harvest sources; an operator's enabling or disabling is kept): load these
 * before importing pages, so "Hertfordshire Council" lands on the county.
 */
export async function seedCouncils(db: Db, folder = seedsFolder): Promise<number> {
  const councilFile = path.join(folder, 'councils.json');
  const parsed = councilSeed.safeParse(JSON.parse(await readFile(councilFile, 'utf8')));
  if (!parsed.success) {
    throw new ImportError(`${councilFile}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  for (const council of parsed.data) {
    const values = { slug: council.slug ?? slugify(council.name), name: council.name, aliases: council.aliases, website: council.website ?? null };
    const [row] = await db.insert(councils).values(values).onConflictDoUpdate({ target: councils.slug, set: values }).returning({ id: councils.id });
    if (council.source) await upsertSource(db, row!.id, council.source.kind, normaliseBaseUrl(council.source.url), council.source.timeoutSeconds);
  }
  return parsed.data.length;
}
