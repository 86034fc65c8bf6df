import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';

export interface EmbeddedSmtp {
  url: string;
  outboxDir: string;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that accepts everything and writes each
 * message to DATA_DIR/outbox as an .eml file: the demo's and a developer's
 * mailbox, with nothing leaving the machine.
 */
export async function startEmbeddedSmtp(dataDir: string): Promise<EmbeddedSmtp> {
  const outboxDir = path.resolve(dataDir, 'outbox');
  await mkdir(outboxDir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, _session, callback) {
      // Written under a temporary name, then renamed: readers never see half a message.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
      const partial = path.join(outboxDir, `.${name}.part`);
      pipeline(stream, createWriteStream(partial))
        .then(() => rename(partial, path.join(outboxDir, `${name}.eml`)))
        .then(() => callback(), (error: Error) => callback(error));
    },
  });
  const port = await listenOnLoopback(server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    outboxDir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Listens on a free loopback port and answers it. A failure to listen
 * rejects; after that, a client's dropped connection (ECONNRESET from a
 * killed sender) is the client's business: smtp-server reports it as an
 * 'error' on the server, which with no listener would end the process.
 */
export async function listenOnLoopback(server: SMTPServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => {});
  const address = server.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
