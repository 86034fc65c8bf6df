import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { DatabaseStartError } from '../db/client.js';
import { openRuntime, type Runtime } from '../main/runtime.js';
import { WorkerSetupError } from '../main/worker.js';
import { ImportError } from '../meetings/errors.js';
import { EmailAddressError } from '../subscribers/email.js';
import { registerDemoCommand } from './demo.js';
import { registerDigestCommands } from './digests.js';
import { registerHarvestCommands, registerSourceCommands } from './harvest.js';
import { registerInboundCommands } from './inbound.js';
import { describeImportProblem, registerMeetingCommands } from './meetings.js';
import { registerOperatorCommands } from './operators.js';
import { registerServerCommand } from './server.js';

/**
 * The `council-digest` program: the terminal's routes, one file per
 * capability beside this one (as http/ is the web's). Here only the
 * program, its commands in the order `--help` lists them, and the one
 * answer to an error no command caught.
 */

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

registerServerCommand(program);
registerMeetingCommands(program, withRuntime);
registerDemoCommand(program);
registerDigestCommands(program, (name) => openRuntime({ name, stderr: name !== 'worker' }));
registerHarvestCommands(program, (name) => openRuntime({ name, stderr: true }));
registerSourceCommands(program, (name) => openRuntime({ name, stderr: true }));
registerOperatorCommands(program, withRuntime);
registerInboundCommands(program, (name) => openRuntime({ name }));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof WorkerSetupError || error instanceof DatabaseStartError || error instanceof EmailAddressError) {
    console.error(error.message);
  } else if (error instanceof ImportError) {
    console.error(`Import failed: ${describeImportProblem(error)}`);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
}
