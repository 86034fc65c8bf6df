import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll } from 'vitest';
import type { Database } from '../../src/db/client.js';
import type { InboundDeps } from '../../src/inbound/deps.js';
import { startInboundSmtp, type InboundSmtp, type InboundSmtpOptions } from '../../src/inbound/smtp-server.js';
import type { DigestHarness } from '../helpers/digests.js';
import { rawHeader, type CapturedMail } from '../helpers/smtp.js';

export const fixtureDir = new URL('../fixtures/inbound/', import.meta.url);

/** A sample message with its placeholders filled, lines ending in CRLF as on the wire. */
export function fixture(name: string, values: { returnPath?: string; recipient?: string; unsubscribeToken?: string; reportTo?: string }): string {
  return readFileSync(new URL(name, fixtureDir), 'utf8')
    .replaceAll('{{RETURN_PATH}}', values.returnPath ?? 'bounces@example.org')
    .replaceAll('{{RECIPIENT}}', values.recipient ?? 'reader@example.org')
    .replaceAll('{{UNSUBSCRIBE_TOKEN}}', values.unsubscribeToken ?? 'none')
    .replaceAll('{{REPORT_TO}}', values.reportTo ?? 'unsubscribe@example.org')
    .replace(/\r?\n/g, '\r\n');
}

/** The token of the https unsubscribe link in a captured digest's List-Unsubscribe. */
export function unsubscribeTokenOf(mail: CapturedMail): string {
  return /\/unsubscribe\/([^>/]+)>/.exec(rawHeader(mail, 'List-Unsubscribe') ?? '')![1]!;
}

/** The inbound SMTP server on an ephemeral port, wired like `council-digest inbound`, on the harness's database. */
export async function startTestInbound(
  database: Database,
  harness: DigestHarness,
  options: Partial<InboundSmtpOptions> = {},
): Promise<{ server: InboundSmtp; deps: InboundDeps }> {
  const deps = { ...harness.wiring.returns, db: database.db };
  const server = await startInboundSmtp(deps, { host: '127.0.0.1', port: 0, maxMessageBytes: 1_048_576, maxConnections: 20, maxConnectionsPerIp: 20, sessionMs: 300_000, ratePerMinute: 1000, ...options });
  afterAll(() => server.close());
  return { server, deps };
}

export interface RawSession {
  /** Every reply line the server sent, in order. */
  replies: string[];
  /** The final reply to each command (and the greeting), by command. */
  codes: { greeting: number; ehlo: number; mail: number; rcpt: number[]; data?: number; end?: number };
}

/**
 * A hand-driven SMTP session over a plain socket: greeting, EHLO, MAIL
 * FROM, each RCPT TO, and DATA with dot-stuffing only when a recipient was
 * accepted. No client library in between: what the server says is what
 * comes back.
 */
export async function sendRaw(port: number, envelope: { from: string; to: string[] }, message: string): Promise<RawSession> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  const replies: string[] = [];
  let buffer = '';
  let waiting: ((code: number) => void) | undefined;
  socket.on('data', (data: string) => {
    buffer += data;
    let newline: number;
    while ((newline = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 2);
      replies.push(line);
      // A reply ends on a line whose code is followed by a space ("250 ok"), not a dash ("250-SIZE").
      if (/^\d{3}( |$)/.test(line)) waiting?.(Number(line.slice(0, 3)));
    }
  });
  // A server that hangs up instead of answering answers 0.
  socket.on('close', () => waiting?.(0));
  const reply = () =>
    new Promise<number>((resolve, reject) => {
      waiting = resolve;
      socket.once('error', reject);
    });
  const command = (line: string) => {
    const answer = reply();
    socket.write(`${line}\r\n`);
    return answer;
  };
  const greeting = await reply();
  const ehlo = await command('EHLO client.example.net');
  const mail = await command(`MAIL FROM:<${envelope.from}>`);
  const rcpt: number[] = [];
  if (mail === 250) for (const to of envelope.to) rcpt.push(await command(`RCPT TO:<${to}>`));
  const codes: RawSession['codes'] = { greeting, ehlo, mail, rcpt };
  if (rcpt.some((code) => code === 250)) {
    codes.data = await command('DATA');
    if (codes.data === 354) {
      const stuffed = message.replace(/\r\n\./g, '\r\n..').replace(/^\./, '..');
      codes.end = await command(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.`);
    }
  }
  await quit(socket, command);
  return { replies, codes };
}

async function quit(socket: Socket, command: (line: string) => Promise<number>) {
  await Promise.race([command('QUIT'), new Promise((resolve) => setTimeout(resolve, 1000))]);
  socket.destroy();
}
