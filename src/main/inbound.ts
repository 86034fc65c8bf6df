import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { InboundDeps } from '../inbound/deps.js';
import { startImapPolling } from '../inbound/imap.js';
import { startInboundSmtp, type InboundSmtp } from '../inbound/smtp-server.js';

export interface RunningInbound {
  smtp: InboundSmtp;
  /** Stops taking mail, then waits for a poll in progress. */
  close(): Promise<void>;
}

/**
 * What `council-digest inbound` runs, and `serve` with SERVE_INBOUND: the
 * SMTP server on INBOUND_SMTP_PORT and, with INBOUND_IMAP_URL, the mailbox
 * poller, on the dependencies main/wiring.ts built. Certificates are read
 * at start, so a bad path fails the start.
 */
export async function startInbound(config: Config, deps: InboundDeps): Promise<RunningInbound> {
  const tls =
    config.INBOUND_TLS_CERT && config.INBOUND_TLS_KEY
      ? { cert: await readFile(config.INBOUND_TLS_CERT), key: await readFile(config.INBOUND_TLS_KEY) }
      : undefined;
  if (!config.BOUNCE_DOMAIN) deps.logger.warn('BOUNCE_DOMAIN is unset: only unsubscribe@ mail is taken, and reports are matched only through return paths we signed');
  const smtp = await startInboundSmtp(deps, {
    host: config.INBOUND_SMTP_HOST,
    port: config.INBOUND_SMTP_PORT,
    maxMessageBytes: config.INBOUND_MAX_MESSAGE_BYTES,
    maxConnections: config.INBOUND_MAX_CONNECTIONS,
    maxConnectionsPerIp: config.INBOUND_MAX_CONNECTIONS_PER_IP,
    sessionMs: config.INBOUND_SESSION_SECONDS * 1000,
    ratePerMinute: config.INBOUND_RATE_PER_MINUTE,
    tls,
  });
  const imap = config.INBOUND_IMAP_URL
    ? startImapPolling(deps, {
        url: config.INBOUND_IMAP_URL,
        doneFolder: config.INBOUND_IMAP_DONE_FOLDER,
        maxMessageBytes: config.INBOUND_MAX_MESSAGE_BYTES,
        intervalMs: config.INBOUND_IMAP_POLL_SECONDS * 1000,
      })
    : undefined;
  return {
    smtp,
    async close() {
      await smtp.close();
      await imap?.close();
    },
  };
}
