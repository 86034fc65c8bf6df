import { sql } from 'drizzle-orm';
import { alertDeps } from '../src/alerts/deps.js';
import { createAlertMetrics } from '../src/alerts/metrics.js';
import { runAlertPass } from '../src/alerts/pass.js';
import { loadConfig } from '../src/config.js';
import { createDigestMetrics } from '../src/digests/metrics.js';
import { followMatches } from '../src/follows/find.js';
import { createBullQueue, deleteQueueKeys } from '../src/jobs/bullmq.js';
import { createLogger } from '../src/logger.js';
import { loadTemplates } from '../src/mail/templates.js';
import { createSmtpMailer } from '../src/mail/transport.js';
import { importRecords } from '../src/meetings/import.js';
import { benchSettings, createBenchDatabase, dropBenchDatabase } from './data.js';

/**
 * `npm run bench -- --alerts [--subscribers 100000] [--follows 50000] [--json]`
 * The alert pass after a night's harvest, in a throwaway database and Redis
 * prefix: `--subscribers` active subscribers and `--follows` follows
 * (planning references, issue ids and title phrases, a few subscribers on
 * each, inserted with generate_series), 2% of subscribers opted in to a
 * committee; then 60 meetings to come, 12 items each, stored as a harvest
 * would store them. Timed side by side in one run: the pass (matching,
 * recording, queueing the mails), followMatches alone over the same
 * meetings, and the pass again (everything recorded already).
 */
export async function benchAlerts(argv: string[]): Promise<number> {
  const value = (name: string, fallback: number) => {
    const index = argv.indexOf(name);
    return index >= 0 ? Number(argv[index + 1]) : fallback;
  };
  const subscribers = value('--subscribers', 100_000);
  const followCount = value('--follows', 50_000);
  const json = argv.includes('--json');
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = `cd_bench_${process.pid}`;
  const prefix = `cd-bench-${process.pid}`;
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const database = await createBenchDatabase(serverUrl, name);
  const logger = createLogger({ level: 'silent' });
  const queue = createBullQueue({ url: redisUrl, prefix, logger });
  try {
    const { db } = database;
    const config = loadConfig({ ...benchSettings(database.url, redisUrl, prefix), LOG_LEVEL: 'silent' });
    const now = new Date();
    const since = new Date(now.getTime() - 60_000);

    // Subscribers and follows in bulk. 40% of follows are planning references (3 subscribers on each), 40% title
    // phrases (4 each), 20% issue ids (2 each); a twentieth of each kind is on an agenda below.
    await db.execute(sql`
      insert into subscribers (email, email_key, status, filter_key, consent_source, confirmed_at)
      select 'reader-' || n || '@bench.example', 'reader-' || n || '@bench.example', 'active', 'none', 'import', now()
      from generate_series(1, ${subscribers}) as n`);
    const shares = { reference: Math.round(followCount * 0.4), phrase: Math.round(followCount * 0.4), issue: followCount - 2 * Math.round(followCount * 0.4) };
    await db.execute(sql`
      insert into follows (subscriber_id, kind, value, label)
      select 1 + (n::bigint * 7919) % ${subscribers}, 'reference', '25/' || lpad((n / 3)::text, 5, '0') || '/FUL', 'Application ' || (n / 3)
      from generate_series(0, ${shares.reference - 1}) as n
      on conflict do nothing`);
    await db.execute(sql`
      insert into follows (subscriber_id, kind, value, label)
      select 1 + (n::bigint * 104729) % ${subscribers}, 'phrase', 'land north of road number ' || (n / 4), 'Land north of road number ' || (n / 4)
      from generate_series(0, ${shares.phrase - 1}) as n
      on conflict do nothing`);
    await db.execute(sql`
      insert into follows (subscriber_id, kind, value, label)
      select 1 + (n::bigint * 15485863) % ${subscribers}, 'issue', 'bench-borough-council:' || (n / 2), 'Issue ' || (n / 2)
      from generate_series(0, ${shares.issue - 1}) as n
      on conflict do nothing`);
    await db.execute(sql`analyze subscribers; analyze follows`);

    // A night's harvest: 60 meetings to come of 10 committees, 12 items each; every other item names a followed matter.
    const perKind = { reference: Math.floor(shares.reference / 3), phrase: Math.floor(shares.phrase / 4), issue: Math.floor(shares.issue / 2) };
    let item = 0;
    const records = Array.from({ length: 60 }, (_, m) => ({
      council: 'Bench Borough Council',
      committee: `Committee ${m % 10}`,
      status: 'scheduled',
      startsAt: new Date(now.getTime() + (2 + m) * 86_400_000).toISOString(),
      location: 'Council Chamber',
      sections: Array.from({ length: 12 }, (_, i) => {
        item += 1;
        const kind = item % 6;
        const heading =
          kind === 0
            ? `${i + 1}. Application 25/${String((item * 13) % perKind.reference).padStart(5, '0')}/FUL`
            : kind === 2
              ? `${i + 1}. Land north of road number ${(item * 17) % perKind.phrase}`
              : `${i + 1}. Report on item ${item} of the year`;
        return { heading, ...(kind === 4 ? { issue: String((item * 19) % perKind.issue) } : {}), blocks: [{ type: 'paragraph', text: `Agenda text for item ${item}.` }] };
      }),
    }));
    const imported = await importRecords(db, records);
    const meetingIds = imported.map((outcome) => outcome.id);
    await db.execute(sql`update meetings set agenda_published_at = now(), agenda_changed_at = now() where id = any(${`{${meetingIds.join(',')}}`}::bigint[])`);
    await db.execute(sql`
      insert into alert_committees (subscriber_id, committee_id)
      select 1 + (n::bigint * 31) % ${subscribers}, c.id from generate_series(0, ${Math.round(subscribers / 50) - 1}) as n
      join committees c on c.slug = 'committee-' || (n % 10)
      on conflict do nothing`);
    await db.execute(sql`analyze`);

    const deps = {
      ...alertDeps(config, {
        db,
        queue,
        mailer: createSmtpMailer({ url: 'smtp://127.0.0.1:9', from: config.MAIL_FROM }),
        templates: await loadTemplates(),
        tokenSecret: config.TOKEN_SECRET!,
        metrics: createAlertMetrics(createDigestMetrics({ processMetrics: false }).registry),
        logger,
        now: () => now,
      }),
    };
    const time = async <T>(work: () => Promise<T>) => {
      const began = performance.now();
      const result = await work();
      return { seconds: (performance.now() - began) / 1000, result };
    };
    const matching = await time(() => followMatches(db, meetingIds, { alertingOnly: true }));
    const pass = await time(() => runAlertPass(deps, { trigger: 'harvest', since: since.toISOString() }));
    const again = await time(() => runAlertPass(deps, { trigger: 'harvest', since: since.toISOString() }));
    const [alerts] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from alerts`)).rows;
    const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
    const figures = {
      subscribers,
      follows: followCount,
      meetings: meetingIds.length,
      items: meetingIds.length * 12,
      matches: matching.result.length,
      alerts: alerts!.n,
      mailsQueued: pass.result.sent,
      passSeconds: round(pass.seconds),
      followMatchesSeconds: round(matching.seconds),
      repeatPassSeconds: round(again.seconds),
      passOverMatching: round(pass.seconds / matching.seconds),
    };
    if (json) console.log(JSON.stringify(figures));
    else {
      log(`${subscribers} subscribers, ${followCount} follows, ${figures.meetings} meetings (${figures.items} items) published`);
      log(`alert pass: ${figures.passSeconds} s (${figures.alerts} alerts recorded, ${figures.mailsQueued} mails queued); followMatches alone ${figures.followMatchesSeconds} s (×${figures.passOverMatching}); the pass again ${figures.repeatPassSeconds} s`);
    }
    return 0;
  } finally {
    await queue.close();
    await deleteQueueKeys(redisUrl, prefix);
    await database.close();
    await dropBenchDatabase(serverUrl, name);
  }
}
