import { simpleParser, type ParsedMail } from 'mailparser';
import type { InboundAction, InboundChannel, InboundKind } from '../db/schema/index.js';
import { classify, type Classification } from './classify.js';
import type { InboundDeps } from './deps.js';
import { recordInbound, storable, storedLengths } from './repo.js';
import { readReturnPathToken, type MailRef } from '../mail/return-path.js';
import { recordReturn } from './returns.js';
import { unsubscribeByMail } from './unsubscribe.js';

export interface InboundMail {
  channel: Extract<InboundChannel, 'smtp' | 'imap'>;
  raw: Buffer;
  /** The envelope recipients, or for IMAP the addresses its headers name. */
  to: string[];
}

export interface HandledMail {
  kind: InboundKind;
  action: InboundAction;
  audience?: 'subscriber' | 'feed recipient';
  recipientId?: number;
  note: string;
}

/**
 * One message that came back, from the SMTP server or the IMAP mailbox:
 * parsed, classified, acted on and recorded. A message that cannot be read
 * is recorded and dropped; fields too long or holding NUL are clipped and
 * cleaned when stored (repo.ts), never refused. Acting and recording are one
 * transaction, so only a failure of our own (the database) throws, having
 * changed nothing, and the sender or the mailbox keeps it for another try.
 */
export async function handleInboundMail(deps: InboundDeps, mail: InboundMail): Promise<HandledMail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(mail.raw, { keepDeliveryStatus: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  } catch (error) {
    return drop(deps, mail, undefined, 'other', `unreadable: ${(error as Error).message.slice(0, 200)}`);
  }
  const classification = classify(parsed, { to: mail.to, unsubscribeAddress: deps.unsubscribeAddress, bounceDomain: deps.bounceDomain });
  const messageId = parsed.messageId;
  switch (classification.kind) {
    case 'bounce':
    case 'complaint': {
      const ref = firstGenuine(deps, classification.returnTokens);
      if (!ref) return drop(deps, mail, messageId, classification.kind, 'no return path of ours in it: whom it is about is unknown');
      const type = classification.kind === 'complaint' ? 'complaint' : classification.severity;
      const status = classification.kind === 'complaint' ? classification.feedbackType : classification.status;
      const outcome = await recordReturn(deps, { channel: mail.channel, type, status, messageId, mail: ref });
      return { kind: classification.kind, ...outcome };
    }
    case 'unsubscribe': {
      const outcome = await unsubscribeByMail(deps, { channel: mail.channel, tokens: classification.tokens, messageId });
      return { kind: 'unsubscribe', ...outcome };
    }
    default:
      return drop(deps, mail, messageId, classification.kind, reasonOf(classification));
  }
}

function firstGenuine(deps: InboundDeps, tokens: string[]): MailRef | undefined {
  for (const token of tokens) {
    const ref = readReturnPathToken(deps.tokenSecret, token);
    if (ref) return ref;
  }
  return undefined;
}

function reasonOf(classification: Classification): string {
  return 'reason' in classification ? classification.reason : classification.kind;
}

/** Counted (recorded) and dropped: nothing else changes. */
export async function drop(deps: InboundDeps, mail: Pick<InboundMail, 'channel'>, messageId: string | undefined, kind: InboundKind, note: string): Promise<HandledMail> {
  await recordInbound(deps.db, { channel: mail.channel, kind, messageId, action: 'ignored', note });
  deps.logger.info({ channel: mail.channel, kind, note: storable(note, storedLengths.note) }, 'inbound mail dropped');
  return { kind, action: 'ignored', note };
}
