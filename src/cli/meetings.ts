import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { seedDatabase } from '../harvest/seed.js';
import type { Runtime } from '../main/runtime.js';
import { queueAlertsFromCommand } from '../main/wiring.js';
import { ImportError } from '../meetings/errors.js';
import { importRecords, recordsFromText } from '../meetings/import.js';
import { retagAll } from '../meetings/topics/service.js';
import { printTable } from './terminal.js';

/** `council-digest migrate|seed|import|retag`: the database and the meeting store. */
export function registerMeetingCommands(program: Command, withRuntime: <T>(name: string, work: (runtime: Runtime) => Promise<T>) => Promise<T>) {
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
          problems.push(`${file}: ${describeImportProblem(error)}`);
        }
      }
      if (problems.length) {
        console.error(`Nothing imported:\n${problems.map((line) => `  ${line}`).join('\n')}`);
        process.exitCode = 1;
        return;
      }
      await withRuntime('import', async (runtime) => {
        const { database } = runtime;
        const outcomes = await importRecords(database.db, records);
        printImported(outcomes);
        await queueAlertsFromCommand(runtime, { imported: outcomes });
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
}

/** What an import or a seed did to each meeting. */
export function printImported(outcomes: Awaited<ReturnType<typeof importRecords>>) {
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

/** An import's problem in a line or a few: the first ten issues of a record that failed its checks, or why a file could not be read. */
export function describeImportProblem(error: unknown): string {
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
