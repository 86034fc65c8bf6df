import pg from 'pg';
import { connect, type Database } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { importRecords } from '../src/meetings/import.js';
import { importMeeting, topicIdsBySlug, validateMeeting } from '../src/meetings/store.js';
import { loadTagger } from '../src/meetings/topics/service.js';
import { filterKey, normaliseFilters, type FilterSet } from '../src/subscribers/filters.js';

/**
 * Clearly synthetic data for the benchmark: councils named "Benchmark
 * Council NN", made-up keyword words, addresses bench-NNNNNNN@bench.example.
 * Everything goes into a throwaway database dropped at the end.
 */

export const benchWeek = '2025-06-16';

/** What the bench's workers and API run with: the project's settings, pointed at the bench's own database and Redis prefix. */
export function benchSettings(databaseUrl: string, redisUrl: string, prefix: string): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    TOKEN_SECRET: 'bench-token-secret-0123456789abcdef0123',
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    PUBLIC_BASE_URL: 'https://digest.bench.example',
    MAIL_FROM: 'Council Digest <digest@bench.example>',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    // The project's defaults unless the environment names others.
    ...(process.env.WORKER_CONCURRENCY ? { WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY } : {}),
    ...(process.env.DIGEST_BATCH_SIZE ? { DIGEST_BATCH_SIZE: process.env.DIGEST_BATCH_SIZE } : {}),
  };
}
const councilCount = 10;
const committeesPerCouncil = 5;
const topicSlugs = [
  'children-social-care', 'child-protection', 'children-looked-after', 'fostering-adoption', 'care-leavers',
  'education', 'send', 'youth-justice', 'early-years-family-support', 'cost-of-living', 'budget-finance', 'workforce',
  'housing', 'health-wellbeing', 'local-government-reorganisation', 'complaints-performance', 'transport', 'planning',
  'environment', 'adult-social-care',
];

/** 240 made-up words: subscribers' own keywords, each written into some meeting of the week. */
const syllables = ['ka', 'lo', 'mi', 'ru', 'te', 'vo', 'zan', 'pel', 'dor', 'fi', 'gu', 'bex', 'nor', 'sil', 'tam'];
export const vocabulary = syllables.flatMap((a) => syllables.map((b) => `${a}${b}quor`)).slice(0, 240);

const councilName = (index: number) => `Benchmark Council ${String(index + 1).padStart(2, '0')}`;
const councilSlug = (index: number) => `benchmark-council-${String(index + 1).padStart(2, '0')}`;

export async function createBenchDatabase(serverUrl: string, name: string): Promise<Database> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = connect(url.toString(), { max: 4 });
  await runMigrations(database);
  return database;
}

/**
 * Databases of bench runs that were killed before their clean-up, named by
 * a process that is gone; answers those pids, so their Redis keys go too.
 */
export async function dropLeftoverDatabases(serverUrl: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'cd\\_bench\\_%'`);
  await admin.end();
  const dead = rows.map((row) => Number(row.datname.slice('cd_bench_'.length))).filter((pid) => pid && !isAlive(pid));
  for (const pid of dead) await dropBenchDatabase(serverUrl, `cd_bench_${pid}`);
  return dead;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function dropBenchDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}

/** Spread so that a council's meetings cover many topics, not the same few. */
const sectionTopic = (index: number, section: number) => topicSlugs[(index * 7 + section * 3 + Math.floor(index / councilCount)) % topicSlugs.length]!;

/** The planning application the second agenda item of meeting `index` reports: what bench followers follow. */
const benchApplication = (index: number) => `25/${String(index).padStart(5, '0')}/FUL`;

/** One synthetic meeting: its council, committee, topics and words follow from its index. */
function benchMeeting(index: number, startsAt: Date, status: 'held' | 'scheduled') {
  const council = index % councilCount;
  // One made-up word per agenda item: each word is in two or three meetings of the week.
  const word = (offset: number) => vocabulary[(index * 4 + offset) % vocabulary.length];
  const topic = (section: number) => sectionTopic(index, section);
  return {
    council: councilName(council),
    committee: `Benchmark Committee ${(Math.floor(index / councilCount) % committeesPerCouncil) + 1}`,
    status,
    startsAt: startsAt.toISOString(),
    sources: { council: `https://bench.example/meetings/${index}` },
    summary: `Synthetic benchmark meeting ${index}. Members considered four reports and noted them.\n\nSpending of £${index + 1}.2m was agreed, 12% above last year.`,
    topics: [topic(0)],
    sections: [0, 1, 2, 3].map((section) => ({
      heading: `Synthetic agenda item ${section + 1}`,
      level: 1,
      topics: [topic(section)],
      blocks: [
        { type: 'paragraph', text: `The panel discussed ${word(section)} in some detail, with 3 options costed.${section === 1 ? ` Application ${benchApplication(index)} was reported.` : ''}` },
        { type: 'list', items: ['A first synthetic point raised by members.', 'A second point, with 25% growth noted.', 'A third point on next steps.'] },
      ],
    })),
    attendees: [{ name: 'Cllr A. Bench', role: 'Chair', party: 'Synthetic' }],
    documents: [{ title: 'Agenda', category: 'Agenda', url: `https://bench.example/documents/${index}` }],
    decisions: [{ text: 'The panel noted the reports.', status: 'made' }],
  };
}

/** ~150 held meetings in the week and 20 scheduled in the fortnight after, through the project's importer. */
export async function importBenchMeetings(database: Database): Promise<number> {
  const records: unknown[] = [];
  for (let index = 0; index < 170; index += 1) {
    const upcoming = index >= 150;
    const day = upcoming ? 7 + (index % 14) : index % 7;
    records.push(benchMeeting(index, new Date(Date.UTC(2025, 5, 16 + day, 9 + (index % 8), 0)), upcoming ? 'scheduled' : 'held'));
  }
  await importRecords(database.db, records);
  return records.length;
}

/**
 * A week of late news: 50 meetings held in the week before the bench week
 * whose minutes (an imported record's summary part) are first published on
 * the bench week's Wednesday, so its digests carry them "Since last week".
 */
export async function importLateNews(database: Database): Promise<number> {
  const tagger = await loadTagger(database.db);
  const knownTopics = await topicIdsBySlug(database.db);
  const publishedAt = new Date(Date.UTC(2025, 5, 18, 8, 0));
  const count = 50;
  for (let index = 0; index < count; index += 1) {
    const meeting = validateMeeting(benchMeeting(200 + index, new Date(Date.UTC(2025, 5, 9 + (index % 7), 9 + (index % 8), 0)), 'held'));
    await importMeeting(database.db, meeting, tagger, knownTopics, { now: publishedAt });
  }
  return count;
}

/**
 * The 30 filter sets most subscribers share, each a few meetings a week: a
 * committee, a council's topic, or a topic in two neighbouring councils.
 */
export function popularFilterSets(): FilterSet[] {
  const sets: Partial<FilterSet>[] = [];
  for (let index = 0; index < councilCount; index += 1) {
    const council = councilSlug(index);
    // Each names what one of the week's meetings has, so every subscriber gets a digest.
    sets.push({ councils: [council], committees: [`benchmark-committee-${(index % committeesPerCouncil) + 1}`] });
    sets.push({ councils: [council], topics: [sectionTopic(index, 0)] });
    sets.push({ councils: [council, councilSlug((index + 1) % councilCount)], topics: [sectionTopic(index + councilCount, 1)] });
  }
  return sets.map(normaliseFilters);
}

/** 80% on a popular filter set, 20% with two keywords of their own (every word is in the week, so all get a digest). */
function subscriberFilters(serial: number, popular: FilterSet[]): FilterSet {
  if (serial % 5 !== 0) return popular[serial % popular.length]!;
  const own = serial / 5;
  const first = own % vocabulary.length;
  const second = (first + 1 + (Math.floor(own / vocabulary.length) % (vocabulary.length - 1))) % vocabulary.length;
  return normaliseFilters({ keywords: [vocabulary[first]!, vocabulary[second]!] });
}

/**
 * N active subscribers, 50,000 rows a statement: the rows travel as a few
 * arrays and unnest server-side, so a million takes seconds, not minutes.
 */
// string_to_array of '' is null; the columns are "empty means everything" arrays.
const list = (column: string) => `coalesce(string_to_array(nullif(${column}, ''), ';'), '{}')`;

export async function insertSubscribers(database: Database, count: number, options: { followersPercent?: number } = {}): Promise<{ distinctFilterSets: number; followers: number }> {
  const popular = popularFilterSets();
  const keys = new Set<string>();
  const followers = { email: [] as string[], value: [] as string[] };
  const followerEvery = options.followersPercent ? 100 / options.followersPercent : 0;
  for (let start = 1; start <= count; start += 50_000) {
    const columns = { email: [] as string[], councils: [] as string[], committees: [] as string[], topics: [] as string[], keywords: [] as string[], key: [] as string[] };
    for (let serial = start; serial < Math.min(start + 50_000, count + 1); serial += 1) {
      const filters = subscriberFilters(serial, popular);
      const key = filterKey(filters);
      keys.add(key);
      columns.email.push(`bench-${String(serial).padStart(7, '0')}@bench.example`);
      columns.councils.push(filters.councils.join(';'));
      columns.committees.push(filters.committees.join(';'));
      columns.topics.push(filters.topics.join(';'));
      columns.keywords.push(filters.keywords.join(';'));
      columns.key.push(key);
      if (followerEvery && (serial + 3) % followerEvery < 1) {
        // One application each, mostly of a meeting in the bench week or after it; one in seven was reported in none.
        followers.email.push(columns.email.at(-1)!);
        followers.value.push(benchApplication((serial * 13) % 200));
      }
    }
    await database.pool.query(
      `insert into subscribers (email, email_key, status, councils, committees, topics, keywords, filter_key, consent_source, confirmed_at)
       select email, email, 'active', ${list('c')}, ${list('m')}, ${list('t')}, ${list('k')}, key, 'import', now()
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as u(email, c, m, t, k, key)`,
      [columns.email, columns.councils, columns.committees, columns.topics, columns.keywords, columns.key],
    );
  }
  await database.pool.query(
    `insert into follows (subscriber_id, kind, value, label)
     select s.id, 'reference', u.value, 'Application ' || u.value from unnest($1::text[], $2::text[]) as u(email, value) join subscribers s on s.email_key = u.email`,
    [followers.email, followers.value],
  );
  await database.pool.query('vacuum analyze subscribers');
  await database.pool.query('vacuum analyze follows');
  return { distinctFilterSets: keys.size, followers: followers.email.length };
}
