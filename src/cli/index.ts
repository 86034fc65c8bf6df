import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { registerOperatorCommands } from './operators.js';
import { DatabaseStartError } from '../db/client.js';
import { printRunDeliveries, registerDigestCommands, watchRun } from './digests.js';
import { createDemoFeed, createDemoSubscribers, demoSubscribers, latestSeededWeek } from '../digests/demo.js';
import { requestRun } from '../digests/runs.js';
import { weekLabel } from '../digests/week.js';
import { printHarvests, registerHarvestCommands, registerSourceCommands } from './harvest.js';
import { harvestDemoSite } from '../harvest/demo.js';
import { harvestUserAgent } from '../harvest/processors.js';
import { registerInboundCommands } from './inbound.js';
import { ImportError } from '../meetings/errors.js';
import { importRecords, recordsFromText } from '../meetings/import.js';
import { seedDatabase } from '../harvest/seed.js';
import { retagAll } from '../meetings/topics/service.js';
import { openRuntime, type Runtime } from '../main/runtime.js';
import { openServices } from '../main/wiring.js';
import { onShutdown } from '../main/shutdown.js';
import { EmailAddressError } from '../subscribers/email.js';
import { WorkerSetupError } from '../main/worker.js';
import { printTable } from './terminal.js';

/** Opens a runtime for one command and always closes it. */
async function withRuntime<T>(name: string, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime({ name, stderr: true });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

const program = new Command()
  .name('council-digest')
  .description('Weekly email digests of local-government meetings.')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP API (applies pending migrations first)')
  .action(async () => {
    // Loaded when a command needs it: a worker never loads the HTTP app (Fastify, Swagger, Bull Board).
    const { startServer } = await import('../main/server.js');
    const runtime = await openRuntime({ name: 'api' });
    const app = await startServer(runtime);
    onShutdown(async () => {
      await app.close();
      await runtime.close();
    }, runtime.logger);
  });

program
  .command('migrate')
  .description('apply pending database migrations (safe to run from several processes at once)')
  .action(async () => {
    await withRuntime('migrate', async ({ database }) => {
      console.log(`Migrations applied (${database.origin === 'embedded' ? 'embedded Postgres' : 'DATABASE_URL'}).`);
    });
  });

program
  .command('seed')
  .description('load the councils and meeting records in seeds/ (idempotent)')
  .action(async () => {
    await withRuntime('seed', async ({ database }) => {
      const result = await seedDatabase(database.db);
      printImported(result.meetings);
      console.log(`Seeded ${plural(result.councils, 'council')} and ${plural(result.meetings.length, 'meeting')}.`);
    });
  });

program
  .command('import')
  .description('import meetings from files: canonical JSON, meeting summary page text, or an executive-member report')
  .argument('<file...>', 'files to import (- for standard input)')
  .addOption(new Option('--format <format>', 'force the format instead of detecting it').choices(['json', 'page', 'report']))
  .option('--council <name>', 'council for page text that does not name one')
  .action(async (files: string[], options: { format?: 'json' | 'page' | 'report'; council?: string }) => {
    // Every file is read and checked before anything is written.
    const records: unknown[] = [];
    const problems: string[] = [];
    for (const file of files) {
      try {
        const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
        records.push(...recordsFromText(text, options));
      } catch (error) {
        if (!(error instanceof ImportError) && !isFileError(error)) throw error;
        problems.push(`${file}: ${describe(error)}`);
      }
    }
    if (problems.length) {
      console.error(`Nothing imported:\n${problems.map((line) => `  ${line}`).join('\n')}`);
      process.exitCode = 1;
      return;
    }
    await withRuntime('import', async ({ database }) => {
      const outcomes = await importRecords(database.db, records);
      printImported(outcomes);
    });
  });

program
  .command('retag')
  .description('re-apply the topic rules to every stored meeting (after rules change)')
  .action(async () => {
    await withRuntime('retag', async ({ database }) => {
      const totals = await retagAll(database.db, ({ done, total }) => {
        if (process.stderr.isTTY) process.stderr.write(`\rretagged ${done}/${total} meetings`);
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(`Retagged ${totals.meetings} meetings and ${totals.sections} sections: ${totals.tags} tags.`);
    });
  });

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
    const services = await openServices(runtime, { work: true });
    let viewLink: string | undefined;
    let runId: number | undefined;
    if (week) {
      const { run } = await requestRun(services.digests, { week, trigger: 'demo' });
      runId = run.id;
      console.log(`\nDigest run ${run.id} for the latest seeded week, ${weekLabel(week)}:\n`);
      const finished = await watchRun(db, run.id);
      viewLink = await printRunDeliveries(db, run.id, { baseUrl: config.PUBLIC_BASE_URL, tokenSecret: services.tokenSecret });
      console.log(`\n${finished.sent} sent, ${finished.skipped} skipped (nothing they follow that week), ${finished.failed} failed.`);
    }
    const outbox = services.mailer.outboxDir;
    if (options.once) {
      if (outbox) console.log(`The emails are in ${outbox}; \`npm run demo\` without --once shows them at /dev/outbox.`);
      await demoSite?.site.close();
      await services.close();
      await runtime.close();
      return;
    }
    const { startServer } = await import('../main/server.js');
    const app = await startServer(runtime, services);
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

registerDigestCommands(program, (name) => openRuntime({ name, stderr: name !== 'worker' }));
registerHarvestCommands(program, (name) => openRuntime({ name, stderr: true }));
registerSourceCommands(program, (name) => openRuntime({ name, stderr: true }));
registerOperatorCommands(program, withRuntime);
registerInboundCommands(program, (name) => openRuntime({ name }));

function printImported(outcomes: Awaited<ReturnType<typeof importRecords>>) {
  printTable(
    ['action', 'date', 'committee', 'sections', 'topics'],
    outcomes.map((outcome) => [
      outcome.action,
      outcome.startsAt.slice(0, 10),
      outcome.committee,
      String(outcome.sections),
      outcome.topics.join(', '),
    ]),
  );
}

function plural(count: number, noun: string) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function describe(error: unknown): string {
  if (error instanceof ImportError) {
    const details = error.issues.slice(0, 10).map((issue) => `\n    ${issue.path ?? (issue.line ? `line ${issue.line}` : '')}: ${issue.message}`);
    return `${error.message}${error.issues.length > 1 ? details.join('') : ''}`;
  }
  if (isFileError(error)) return error.code === 'ENOENT' ? 'no such file' : error.message;
  return String(error);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof WorkerSetupError || error instanceof DatabaseStartError || error instanceof EmailAddressError) {
    console.error(error.message);
  } else if (error instanceof ImportError) {
    console.error(`Import failed: ${describe(error)}`);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
}
