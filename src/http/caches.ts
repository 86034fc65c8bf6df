import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';
import { loadCatalogue, type Catalogue } from '../meetings/catalogue.js';

export type { Catalogue };

/** One representation of an answer: its bytes and a strong ETag of them. */
export interface Representation {
  body: Buffer;
  etag: string;
}

/**
 * A serialised answer, kept for requests that normalise to the same key,
 * with a gzip copy made once for clients that accept it (the week's
 * meetings are 113 KB of JSON and 4 KB gzipped); null for answers too small
 * to gain from it.
 */
export interface CachedAnswer extends Representation {
  gzip: Representation | null;
}

/** Below this an answer fits in a packet or two and is sent as it is. */
const gzipFromBytes = 1400;
const gzipAsync = promisify(gzip);

async function cachedAnswer(text: string): Promise<CachedAnswer> {
  const body = Buffer.from(text);
  const etag = createHash('sha1').update(body).digest('base64url');
  const gzipped = body.length >= gzipFromBytes ? await gzipAsync(body) : null;
  // A strong ETag names one representation: the gzip copy has its own.
  return { body, etag: `"${etag}"`, gzip: gzipped && { body: gzipped, etag: `"${etag}-gz"` } };
}

/**
 * What the API keeps in memory between requests, so the busiest public
 * routes read Postgres once per `ttlMs` instead of once per request.
 * Whatever changes meetings or topics in this process calls `invalidate()`
 * and the next request reads them again; another process (a second API, the
 * CLI's import) is seen within `ttlMs`. A `ttlMs` of 0 keeps nothing.
 */
export interface ApiCache {
  /**
   * The catalogue. `recheck` is for a request naming something the cached
   * copy does not know (a council imported a moment ago elsewhere): it reads
   * again, sharing a read already under way, so a burst of typos costs what
   * every request cost before there was a cache.
   */
  catalogue(options?: { recheck?: boolean }): Promise<Catalogue>;
  /** The answer for a key: cached, or made by `build` once however many requests ask for it at the same time. */
  answer(key: string, build: () => Promise<string>): Promise<CachedAnswer>;
  invalidate(): void;
}

export function createApiCache(db: Db, options: { ttlMs: number; maxBytes?: number }): ApiCache {
  const { ttlMs } = options;
  // Bounded in bytes: every distinct query is a key, and anyone can make up queries.
  const answers =
    ttlMs > 0
      ? new LRUCache<string, CachedAnswer>({
          ttl: ttlMs,
          maxSize: options.maxBytes ?? 64 * 1024 * 1024,
          sizeCalculation: (answer) => answer.body.length + (answer.gzip?.body.length ?? 0),
        })
      : undefined;
  // Answers being made: a burst of identical requests on a cold key waits for one build.
  const building = new Map<string, Promise<CachedAnswer>>();
  // Bumped by invalidate(), so a build that started before it is handed out but never kept.
  let generation = 0;
  let catalogue: { value: Promise<Catalogue>; loadedAt: number; loading: boolean } | undefined;

  const readCatalogue = () => {
    const value = loadCatalogue(db);
    const entry = { value, loadedAt: Date.now(), loading: true };
    catalogue = entry;
    value.then(
      () => (entry.loading = false),
      // A failed read is not kept: the next request tries again.
      () => {
        if (catalogue === entry) catalogue = undefined;
      },
    );
    return value;
  };

  return {
    catalogue({ recheck = false } = {}) {
      if (catalogue && (recheck ? catalogue.loading : Date.now() - catalogue.loadedAt < ttlMs)) return catalogue.value;
      return readCatalogue();
    },
    answer(key, build) {
      const cached = answers?.get(key);
      if (cached) return Promise.resolve(cached);
      const pending = building.get(key);
      if (pending) return pending;
      const started = generation;
      const made = build().then(cachedAnswer).then((answer) => {
        if (generation === started) answers?.set(key, answer);
        return answer;
      });
      building.set(key, made);
      const forget = () => {
        if (building.get(key) === made) building.delete(key);
      };
      made.then(forget, forget);
      return made;
    },
    invalidate() {
      generation += 1;
      answers?.clear();
      building.clear();
      catalogue = undefined;
    },
  };
}

/**
 * Checks a request against the cached catalogue; when the check finds a
 * name it does not know (422), checks once more against a fresh read
 * before answering so.
 */
export async function checkWithCatalogue<Result extends { ok: true } | { ok: false; status: number }>(
  cache: ApiCache,
  check: (catalogue: Catalogue) => Result,
): Promise<{ result: Result; catalogue: Catalogue }> {
  const catalogue = await cache.catalogue();
  const result = check(catalogue);
  if (result.ok || result.status !== 422) return { result, catalogue };
  const fresh = await cache.catalogue({ recheck: true });
  return fresh === catalogue ? { result, catalogue } : { result: check(fresh), catalogue: fresh };
}
