import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { InboundDeps } from './deps.js';
import { handleInboundMail } from './handle.js';
import { readReturnPath } from '../mail/return-path.js';

export interface InboundSmtpOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Larger messages are refused with 552 (INBOUND_MAX_MESSAGE_BYTES). */
  maxMessageBytes: number;
  /** Connections at once; past it, 421 (INBOUND_MAX_CONNECTIONS). */
  maxConnections: number;
  /** Connections at once from one client address; past it, 421 (INBOUND_MAX_CONNECTIONS_PER_IP). */
  maxConnectionsPerIp: number;
  /** How long a connection may last, whatever it sends (INBOUND_SESSION_SECONDS): NOOP resets the idle timeout, not this. */
  sessionMs: number;
  /** Messages one client address may hand over a minute; past it, 421 (INBOUND_RATE_PER_MINUTE). */
  ratePerMinute: number;
  /** With a certificate the server offers STARTTLS. */
  tls?: { key: Buffer; cert: Buffer };
  /** The name in the greeting. */
  serverName?: string;
}

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * `council-digest inbound`: an SMTP server for mail that comes back. It
 * takes mail only for unsubscribe@<sender domain> and for return paths we
 * signed (bounces+<token>@BOUNCE_DOMAIN); every other recipient gets 550,
 * so it relays nothing. Each message is handled before the 250, so a
 * sender whose message we could not record (451) tries again. One client
 * cannot hold it: it has a few of the connections at most, and each for a
 * limited time.
 */
export async function startInboundSmtp(deps: InboundDeps, options: InboundSmtpOptions): Promise<InboundSmtp> {
  const counts = new Map<string, { minute: number; count: number }>();
  /** Each open session's time limit, and whether a message of it is being handled (the limit then waits for its answer). */
  const sessions = new Map<string, { timer: NodeJS.Timeout; handling: boolean; expired: boolean }>();
  const connectionOf = (id: string) => [...server.connections].find((connection) => connection.id === id);
  const endSession = (id: string) => {
    const connection = connectionOf(id);
    if (!connection) return;
    connection.send(421, `${options.serverName ?? 'council-digest'} 4.4.2 Session time limit reached: closing`);
    connection.close();
  };
  const server: SMTPServer = new SMTPServer({
    name: options.serverName,
    banner: 'council-digest inbound: returned mail and unsubscribes only',
    size: options.maxMessageBytes,
    maxClients: options.maxConnections,
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    logger: false,
    onConnect(session, callback) {
      // smtp-server adds the connection before asking, so this client's count includes it.
      let fromClient = 0;
      for (const connection of server.connections) if (connection.remoteAddress === session.remoteAddress) fromClient += 1;
      if (fromClient > options.maxConnectionsPerIp) return callback(smtpError(421, '4.7.0 Too many connections from your address: try again later'));
      const timer = setTimeout(() => {
        const state = sessions.get(session.id);
        if (state?.handling) state.expired = true;
        else endSession(session.id);
      }, options.sessionMs).unref();
      sessions.set(session.id, { timer, handling: false, expired: false });
      callback();
    },
    onClose(session) {
      const state = sessions.get(session.id);
      if (state) clearTimeout(state.timer);
      sessions.delete(session.id);
    },
    onMailFrom(_address, session, callback) {
      const minute = Math.floor(Date.now() / 60_000);
      const client = session.remoteAddress;
      const seen = counts.get(client);
      const count = seen && seen.minute === minute ? seen.count + 1 : 1;
      counts.set(client, { minute, count });
      // Forget other clients' past minutes now and then, so the map stays as small as the clients of one minute.
      if (counts.size > 10_000) for (const [key, value] of counts) if (value.minute !== minute) counts.delete(key);
      if (count > options.ratePerMinute) return callback(smtpError(421, '4.7.0 Too many messages from your address: try again in a minute'));
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const recipient = address.address.toLowerCase();
      if (recipient === deps.unsubscribeAddress || readReturnPath(deps, recipient)) return callback();
      callback(smtpError(550, '5.1.1 No such mailbox here: this server takes only returned mail and unsubscribes'));
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 Message too big: the limit is ${options.maxMessageBytes} bytes`));
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        const state = sessions.get(session.id);
        if (state) state.handling = true;
        // A session past its time limit while its message was handled gets the answer first, then the 421.
        const answered = () => {
          if (!state) return;
          state.handling = false;
          if (state.expired) setImmediate(() => endSession(session.id));
        };
        handleInboundMail(deps, { channel: 'smtp', raw: Buffer.concat(chunks), to }).then(
          (handled) => {
            callback(null, `2.0.0 Accepted: ${handled.kind}, ${handled.action}`);
            answered();
          },
          (error: unknown) => {
            deps.logger.error({ err: error }, 'inbound mail not recorded: the sender will retry');
            callback(smtpError(451, '4.3.0 Could not record the message: try again later'));
            answered();
          },
        );
      });
    },
  });
  server.on('error', (error) => deps.logger.warn({ err: error }, 'inbound SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  deps.logger.info({ host: options.host, port, starttls: Boolean(options.tls) }, 'inbound SMTP server listening');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
