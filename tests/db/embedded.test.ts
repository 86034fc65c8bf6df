import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedClusterDir, reachableByOthers, startEmbedded } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';

/**
 * Where the embedded Postgres keeps its cluster. As root it runs as the
 * `postgres` user, so a DATA_DIR under a private folder (what `mktemp -d`
 * makes) gets a stand-in folder that user can reach.
 */

const made: string[] = [];
async function folder(mode: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cd-embedded-'));
  await chmod(dir, mode);
  made.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe('embeddedClusterDir', () => {
  it('keeps the cluster in DATA_DIR/postgres when not root, whatever the folder', async () => {
    const private_ = await folder(0o700);
    expect(embeddedClusterDir(path.join(private_, 'data'), false)).toEqual({ dir: path.join(private_, 'data', 'postgres'), moved: false });
  });

  it('keeps it in DATA_DIR/postgres as root when every folder on the way lets others through', async () => {
    const open = await folder(0o755);
    expect(reachableByOthers(path.join(open, 'data'))).toBe(true);
    expect(embeddedClusterDir(path.join(open, 'data'), true)).toEqual({ dir: path.join(open, 'data', 'postgres'), moved: false });
  });

  it('moves it, as root, under the temp folder when DATA_DIR sits in a private folder: the same place for the same DATA_DIR', async () => {
    const private_ = await folder(0o700);
    const dataDir = path.join(private_, 'data');
    expect(reachableByOthers(dataDir)).toBe(false);
    const placed = embeddedClusterDir(dataDir, true);
    expect(placed.moved).toBe(true);
    expect(path.dirname(placed.dir)).toBe(path.join(tmpdir(), 'council-digest-postgres'));
    expect(reachableByOthers(path.dirname(path.dirname(placed.dir)))).toBe(true);
    expect(embeddedClusterDir(`${dataDir}/`, true)).toEqual(placed);
    expect(embeddedClusterDir(path.join(private_, 'other'), true).dir).not.toBe(placed.dir);
  });
});

describe.runIf(process.getuid?.() === 0)('the embedded Postgres, started as root', () => {
  it('starts with DATA_DIR under a mktemp -d folder, its cluster where the postgres user can reach it', async () => {
    const dataDir = path.join(await folder(0o700), 'data');
    await mkdir(dataDir);
    const database = await startEmbedded(dataDir, createLogger({ level: 'silent', name: 'test' }));
    try {
      made.push(database.clusterDir!);
      expect(database.clusterDir).toBe(embeddedClusterDir(dataDir, true).dir);
      const { rows } = await database.pool.query<{ answer: number }>('select 1 as answer');
      expect(rows[0]!.answer).toBe(1);
    } finally {
      await database.close();
    }
  }, 120_000);
});
