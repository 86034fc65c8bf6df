import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createDemoFeed, createDemoSubscribers, demoSubscribers, latestSeededWeek } from '../digests/demo.js';
import { requestRun } from '../digests/runs.js';
import { weekLabel } from '../digests/week.js';
import { harvestDemoSite } from '../harvest/demo.js';
import { harvestUserAgent } from '../harvest/processors.js';
import { seedDatabase } from '../harvest/seed.js';
import { openRuntime } from '../main/runtime.js';
import { onShutdown } from '../main/shutdown.js';
import { startWork, wire } from '../main/wiring.js';
import { printRunDeliveries, watchRun } from './digests.js';
import { printHarvests } from './harvest.js';
import { printImported } from './meetings.js';

/** `council-digest demo`: the whole story on embedded defaults, from seeds to a digest run to the API. */
export function registerDemoCommand(program: Command) {
  program
    .command('demo')
    .description('the whole story on embedded defaults: database, seeds, demo subscribers, one digest run, the API')
    .option('--once', 'exit after the digest run instead of keeping the API up')
    .action(async (options: { once?: boolean }) => {
      const env = { ...process.env };
      // An operator token for the demo only, printed so the admin routes can be tried.
      env.ADMIN_TOKEN ||= randomBytes(18).toString('base64url');
      const config = loadConfig(env);
      const runtime = await openRuntime({ name: 'demo', config, stderr: true });
      const { db } = runtime.database;
      const seeded = await seedDatabase(db);
      if (runtime.database.clusterDir) console.log(`\nThe embedded Postgres keeps its data in ${runtime.database.clusterDir}`);
      console.log('\nCouncil Digest demo: seeded meetings\n');
      printImported(seeded.meetings);
      await createDemoSubscribers(db);
      await createDemoFeed(db);
      const week = await latestSeededWeek(db, config.DIGEST_TZ);
      // The county's ModernGov site as recorded in seeds/moderngov, served on loopback and harvested as on the run's morning.
      const demoSite = week
        ? await harvestDemoSite({ db, logger: runtime.logger, userAgent: harvestUserAgent(config) }, { week, zone: config.DIGEST_TZ })
        : undefined;
      if (demoSite) {
        console.log(`\nHarvested ${demoSite.harvest.council}'s ModernGov site, as recorded in seeds/moderngov and served at ${demoSite.site.url}:\n`);
        printHarvests([demoSite.harvest]);
      }
      // This process does the digest work itself, so the demo needs no Redis.
      const wiring = await wire(runtime);
      await startWork(wiring, { groups: ['digests'] });
      let viewLink: string | undefined;
      let runId: number | undefined;
      if (week) {
        const { run } = await requestRun(wiring.digests, { week, trigger: 'demo' });
        runId = run.id;
        console.log(`\nDigest run ${run.id} for the latest seeded week, ${weekLabel(week)}:\n`);
        const finished = await watchRun(db, run.id);
        viewLink = await printRunDeliveries(db, run.id, { baseUrl: config.PUBLIC_BASE_URL, tokenSecret: wiring.tokenSecret });
        console.log(`\n${finished.sent} sent, ${finished.skipped} skipped (nothing they follow that week), ${finished.failed} failed.`);
      }
      const outbox = wiring.mailer.outboxDir;
      if (options.once) {
        if (outbox) console.log(`The emails are in ${outbox}; \`npm run demo\` without --once shows them at /dev/outbox.`);
        await demoSite?.site.close();
        await wiring.close();
        await runtime.close();
        return;
      }
      // Loaded when needed, as `serve` is: the API (Fastify, Swagger) only when it is kept up.
      const { startServer } = await import('../main/server.js');
      const app = await startServer(runtime, wiring);
      const base = config.PUBLIC_BASE_URL;
      const token = config.ADMIN_TOKEN;
      console.log(`
The API is up. Look at:
${outbox ? `  ${base}/dev/outbox               the digests just sent, as the recipients see them\n` : ''}${viewLink ? `  ${viewLink}\n                                   one digest, "view in your browser"\n` : ''}  ${base}/docs                     OpenAPI documentation
  ${base}/admin/queues             job queues (user: anything, password: the operator token)
  ${base}/api/meetings?topic=care-leavers
Operator token (this run only): ${token}
  curl -H "Authorization: Bearer ${token}" ${base}/api/admin/digest-runs${runId ? `/${runId}` : ''}
  curl -H "Authorization: Bearer ${token}" "${base}/api/admin/digest-preview?email=${encodeURIComponent(demoSubscribers[0]!.email)}&week=${week ?? ''}"
Press Ctrl+C to stop.`);
      onShutdown(async () => {
        await app.close();
        await demoSite?.site.close();
        await runtime.close();
      }, runtime.logger);
    });
}
