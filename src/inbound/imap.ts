import { ImapFlow } from 'imapflow';
import type { InboundDeps } from './deps.js';
import { drop, handleInboundMail, type HandledMail } from './handle.js';

export interface ImapOptions {
  /** INBOUND_IMAP_URL: imap(s)://user:pass@host:port/MAILBOX (INBOX when no path). */
  url: string;
  /** Handled mail is moved here (INBOUND_IMAP_DONE_FOLDER); created when missing. */
  doneFolder: string;
  /** Larger messages are not read: recorded as such and moved aside. */
  maxMessageBytes: number;
  /** Messages read per poll at most; the rest wait for the next. */
  batch?: number;
}

export interface PollOutcome {
  handled: HandledMail[];
  /** Left in the mailbox because handling failed on our side; tried again next poll. */
  leftForLater: number;
}

function clientFor(url: URL): ImapFlow {
  return new ImapFlow({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'imaps:' ? 993 : 143)),
    secure: url.protocol === 'imaps:',
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false,
    // A loopback server (tests, a local Dovecot) needs no TLS upgrade.
    ...(['127.0.0.1', 'localhost', '::1'].includes(url.hostname) ? { doSTARTTLS: false } : {}),
  });
}

/**
 * One poll of the mailbox, for those who cannot point an MX at `inbound`:
 * each message is handled exactly as one that came over SMTP, then moved to
 * the done folder, never deleted (a person can still read what came in).
 * A message whose handling fails on our side stays where it is and is read
 * again next time; handling twice is harmless (a delivery's bounce counts
 * once, an unsubscribe is an unsubscribe).
 */
export async function pollMailbox(deps: InboundDeps, options: ImapOptions): Promise<PollOutcome> {
  const url = new URL(options.url);
  const mailbox = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX';
  const client = clientFor(url);
  const outcome: PollOutcome = { handled: [], leftForLater: 0 };
  await client.connect();
  try {
    const folders = await client.list();
    if (!folders.some((folder) => folder.path === options.doneFolder)) await client.mailboxCreate(options.doneFolder);
    const lock = await client.getMailboxLock(mailbox);
    try {
      const waiting: { uid: number; size: number; to: string[] }[] = [];
      const uids = ((await client.search({ all: true }, { uid: true })) || []).slice(0, options.batch ?? 100);
      // Only the envelopes first (a fetch must end before the next command); sources are read one at a time.
      if (uids.length) {
        for await (const message of client.fetch(uids.join(','), { uid: true, size: true, envelope: true, headers: ['delivered-to', 'x-original-to'] }, { uid: true })) {
          waiting.push({ uid: message.uid, size: message.size ?? 0, to: recipientsOf(message.envelope?.to, message.headers) });
        }
      }
      for (const message of waiting) {
        let handled: HandledMail;
        try {
          if (message.size > options.maxMessageBytes) {
            handled = await drop(deps, { channel: 'imap' }, undefined, 'other', `${message.size} bytes: over INBOUND_MAX_MESSAGE_BYTES, not read`);
          } else {
            const fetched = await client.fetchOne(String(message.uid), { source: true }, { uid: true });
            handled = await handleInboundMail(deps, { channel: 'imap', raw: fetched ? (fetched.source ?? Buffer.alloc(0)) : Buffer.alloc(0), to: message.to });
          }
        } catch (error) {
          deps.logger.error({ err: error, uid: message.uid }, 'inbound mail not recorded: left in the mailbox for the next poll');
          outcome.leftForLater += 1;
          continue;
        }
        await client.messageMove(String(message.uid), options.doneFolder, { uid: true });
        outcome.handled.push(handled);
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  if (outcome.handled.length || outcome.leftForLater) deps.logger.info({ handled: outcome.handled.length, left: outcome.leftForLater }, 'inbound mailbox polled');
  return outcome;
}

/** Whom a stored message was for: the delivery headers an MDA adds (Delivered-To, X-Original-To), then To. */
function recipientsOf(to: { address?: string }[] | undefined, headers: Buffer | undefined): string[] {
  const delivered = [...(headers?.toString('utf8') ?? '').matchAll(/^(?:delivered-to|x-original-to):\s*<?([^>\s]+)>?\s*$/gim)].map((match) => match[1]!);
  return [...delivered, ...(to ?? []).flatMap((address) => (address.address ? [address.address] : []))];
}

/** Polls every `intervalMs` until closed; a failed poll is logged and the next one tries again. */
export function startImapPolling(deps: InboundDeps, options: ImapOptions & { intervalMs: number }): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let closed = false;
  const tick = () => {
    running = pollMailbox(deps, options)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'inbound mailbox poll failed: will try again'))
      .finally(() => {
        if (!closed) timer = setTimeout(tick, options.intervalMs);
      });
  };
  tick();
  deps.logger.info({ mailbox: new URL(options.url).host, every: `${options.intervalMs / 1000}s`, doneFolder: options.doneFolder }, 'polling the inbound mailbox');
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
