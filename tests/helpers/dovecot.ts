import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../faults/support/processes.js';

const dovecotPath = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin']
  .filter(Boolean)
  .map((dir) => join(dir, 'dovecot'))
  .find((candidate) => existsSync(candidate));
const dovecotMissing = dovecotPath
  ? undefined
  : 'Dovecot is not installed (apt-get install -y --no-install-recommends dovecot-imapd)';

/**
 * Why the IMAP tests are skipped here, or undefined when they run. No
 * maintained IMAP server comes from npm (hoodiecrow-imap is a mock last
 * released years ago; WildDuck needs MongoDB), so as with Chromium, a machine
 * without Dovecot skips them and says why; CI sets REQUIRE_DOVECOT=1, and
 * there a missing Dovecot fails them instead.
 */
export const dovecotSkipReason = dovecotMissing && !process.env.REQUIRE_DOVECOT ? dovecotMissing : undefined;
if (dovecotSkipReason) console.warn(`Skipping the IMAP tests: ${dovecotSkipReason}`);

/** Runs a command to its exit with no pipes: the Dovecot master keeps running in the background and would hold them open. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${command} is not installed: apt-get install dovecot-imapd (.ci/run does)`) : error),
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

export interface Dovecot {
  /** imap://user:pass@127.0.0.1:port/INBOX */
  url: string;
  user: string;
  password: string;
  port: number;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^\* OK/.test(data.toString()));
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real Dovecot IMAP server (Debian's dovecot-imapd; .ci/run installs it)
 * with a throwaway configuration: one plain-password user, maildir in a
 * temporary folder, listening on a free loopback port. The caller stops
 * it (afterAll at the file's top level). Mail is owned by `nobody`, as
 * Dovecot will not serve it as root.
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'council-digest-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = 'inbound';
  const password = 'imap-test-password';
  mkdirSync(join(dir, 'mail'));
  chownSync(join(dir, 'mail'), 65534, 65534);
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}:65534:65534::${dir}/mail/${user}::\n`, { mode: 0o644 });
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  const config = join(dir, 'dovecot.conf');
  await run(dovecotPath ?? 'dovecot', ['-c', config]);
  for (let attempt = 0; !(await answers(port)); attempt += 1) {
    if (attempt > 50) throw new Error(`Dovecot did not answer on ${port}: ${readFileSync(join(dir, 'dovecot.log'), 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    // The master we started, by the pid it wrote: SIGTERM stops it and its children.
    const pid = Number(readFileSync(join(dir, 'run', 'master.pid'), 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    for (let attempt = 0; attempt < 50 && alive(pid); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(dir, { recursive: true, force: true });
  }
  return { url: `imap://${user}:${password}@127.0.0.1:${port}/INBOX`, user, password, port, stop };
}
