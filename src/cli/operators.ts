import { Option, type Command } from 'commander';
import type { Runtime } from '../main/runtime.js';
import { printTable } from './terminal.js';
import { cliActor, recordAudit } from '../console/audit.js';
import { addOperator, listOperators, operatorRoles, removeOperator, type OperatorRole } from '../console/operators.js';

/** `council-digest operator add|list|remove`: who may sign in to the console. */
export function registerOperatorCommands(program: Command, withRuntime: <T>(name: string, work: (runtime: Runtime) => Promise<T>) => Promise<T>) {
  const operator = program.command('operator').description('console operators: who may sign in at /admin, and with which role');

  operator
    .command('add')
    .description('add an operator, or change the role of one already there')
    .argument('<email>', 'their address: sign-in links are mailed to it')
    .addOption(new Option('--role <role>', 'viewer: sees everything, addresses masked; operator: also runs, previews, feeds, topics, imports; owner: also operators, erasure, partner keys').choices([...operatorRoles]).makeOptionMandatory())
    .action(async (email: string, options: { role: OperatorRole }) => {
      await withRuntime('operator', async ({ database }) => {
        // A bad address throws EmailAddressError, which the CLI prints as one line (cli/index.ts), as the API answers it.
        const { operator: added, created } = await addOperator(database.db, { email, role: options.role });
        await recordAudit(database.db, cliActor, { action: created ? 'operator.add' : 'operator.role', objectType: 'operator', objectId: added.email, detail: { role: added.role } }, { ip: null });
        console.log(`${created ? 'Added' : 'Updated'} ${added.email} as ${added.role}.`);
      });
    });

  operator
    .command('list')
    .description('every operator with their role')
    .action(async () => {
      await withRuntime('operator', async ({ database }) => {
        const rows = await listOperators(database.db);
        if (!rows.length) {
          console.log('No operators yet: add one with council-digest operator add EMAIL --role owner');
          return;
        }
        printTable(
          ['email', 'role', 'added'],
          rows.map((row) => [row.email, row.role, row.createdAt.toISOString().slice(0, 10)]),
        );
      });
    });

  operator
    .command('remove')
    .description('remove an operator: their sessions and API tokens end at once')
    .argument('<email>')
    .action(async (email: string) => {
      await withRuntime('operator', async ({ database }) => {
        const removed = await removeOperator(database.db, email);
        if (!removed) {
          console.error(`No operator ${email}.`);
          process.exitCode = 1;
          return;
        }
        await recordAudit(database.db, cliActor, { action: 'operator.remove', objectType: 'operator', objectId: removed.email }, { ip: null });
        console.log(`Removed ${removed.email}; their sessions and API tokens have ended.`);
      });
    });
}
