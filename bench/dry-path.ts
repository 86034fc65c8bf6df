import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWeek, createBenchDatabase, dropBenchDatabase, importBenchMeetings, insertSubscribers } from './data.js';
import { numberOption } from './measure.js';

/**
 * `npm run bench -- --dry-path --baseline <checkout> [--subscribers 20000] [--rounds 7] [--sending] [--json]`
 *
 * A dry run's work per digest, in this one process: for each bench
 * subscriber the digest from the run's builds, the recipient's links and the
 * render, as `rehearse` does them, with no queue, no Postgres in the loop and
 * no fresh worker. This checkout's code and `--baseline`'s (a git worktree,
 * its node_modules linked) take turns on the same data, each round on fresh
 * builds of a new run (every selection composed and every card rendered
 * again), so a machine other work shares slows both alike. Round 0 (each
 * side's code compiling) is printed and left out of the ratio. It also
 * checks that both give the same emails, links aside. `--sending`: a real
 * run's work instead, each digest prepared for sending and its message
 * bodies made (quoted-printable, as `deliver` hands them to the transport),
 * with no SMTP.
 */


/** What the loop needs of a checkout, imported from its sources. */
async function checkout(root: string) {
  const from = (file: string) => import(path.join(root, file));
  const [templates, select, audiences, repo] = await Promise.all([
    from('src/mail/templates.ts'),
    from('src/digests/select.ts'),
    from('src/digests/audiences.ts'),
    from('src/digests/run-repo.ts'),
  ]);
  return {
    root,
    templates: await templates.loadTemplates(),
    createDigestBuilds: select.createDigestBuilds,
    subscriberAudience: audiences.subscriberAudience,
    recipientsByIds: repo.recipientsByIds,
  };
}

export async function benchDryPath(args: string[]): Promise<number> {
  const baselineAt = args.indexOf('--baseline');
  const baseline = baselineAt >= 0 ? args[baselineAt + 1] : undefined;
  if (!baseline) throw new Error('--dry-path needs --baseline <checkout>: the code to compare this checkout with');
  const subscribers = numberOption(args, 'subscribers', 20_000);
  const rounds = numberOption(args, 'rounds', 7);
  const sending = args.includes('--sending');
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cd_bench_${process.pid}`;
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const here = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
  const sides = [await checkout(path.resolve(baseline)), await checkout(here)];
  const database = await createBenchDatabase(serverUrl, name);
  try {
    await importBenchMeetings(database);
    await insertSubscribers(database, subscribers);
    const settings = { baseUrl: 'https://digest.bench.example', mailFrom: 'Council Digest <digest@bench.example>', tokenSecret: 'bench-token-secret-0123456789abcdef0123' };
    const ids = Array.from({ length: subscribers }, (_, index) => index + 1);
    const cpuMs = () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    };
    const totals = [0, 0];
    const emails: string[][] = [[], []];
    let runId = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const [side, code] of sides.entries()) {
        const recipients = (await code.recipientsByIds(database.db, ids)).map((row: { email: string | null }) => ({ ...row, email: row.email ?? '', unsendable: undefined, feed: null }));
        runId += 1;
        const builds = await code.createDigestBuilds(database.db, { zone: 'Europe/London', templates: code.templates, home: settings.baseUrl }).forRun({ id: runId, week: benchWeek, dryRun: !sending });
        for (let at = 0; at < recipients.length; at += 100) await builds.learn(recipients.slice(at, at + 100).map((recipient: { filters: unknown }) => recipient.filters));
        const started = cpuMs();
        for (const [index, recipient] of recipients.entries()) {
          const digest = builds.digest(recipient.filters, recipient.filterKey, null, []);
          const personal = code.subscriberAudience.personal(settings, recipient, benchWeek, new Date());
          const made = sending ? digest.send(personal) : digest.render(personal);
          // Links carry tokens either side may make differently: compare the rest (soft line breaks taken out).
          if (round === 0 && index % 97 === 0) emails[side]!.push(JSON.stringify(made).replace(/=\\r\\n/g, '').replace(/\/(preferences|unsubscribe|digests)\/[\w.-]+/g, ''));
        }
        const perDigest = (cpuMs() - started) / recipients.length;
        if (round > 0) totals[side]! += perDigest;
        log(`round ${round}, ${side === 0 ? 'baseline' : 'this checkout'}: ${perDigest.toFixed(4)} ms of CPU a digest`);
      }
    }
    const same = emails[0]!.length > 0 && emails[0]!.every((email, index) => email === emails[1]![index]);
    const figures = {
      subscribers,
      rounds,
      path: sending ? 'sending' : 'dry',
      before_cpu_ms_per_digest: Number((totals[0]! / (rounds - 1)).toFixed(4)),
      after_cpu_ms_per_digest: Number((totals[1]! / (rounds - 1)).toFixed(4)),
      after_vs_before: Number((totals[1]! / totals[0]!).toFixed(3)),
      same_emails: same,
    };
    if (args.includes('--json')) console.log(JSON.stringify(figures));
    else for (const [key, value] of Object.entries(figures)) process.stdout.write(`${key.padEnd(26)}${value}\n`);
    return same ? 0 : 1;
  } finally {
    await database.pool.end();
    await dropBenchDatabase(serverUrl, name);
  }
}
