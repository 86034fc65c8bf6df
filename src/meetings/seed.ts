import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { councils } from '../db/schema/index.js';
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
    // `source`, the council's own publishing site, is harvest's to read (harvest/seed.ts).
  }),
);

/**
 * Loads every meeting record in seeds/meetings (after the councils). Safe to
 * run again: unchanged records stay unchanged.
 */
export async function seedMeetings(db: Db, folder = seedsFolder): Promise<ImportOutcome[]> {
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
  return importRecords(db, records);
}

/**
 * The councils alone, with the other names pages use for them: load these
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
    await db.insert(councils).values(values).onConflictDoUpdate({ target: councils.slug, set: values });
  }
  return parsed.data.length;
}
