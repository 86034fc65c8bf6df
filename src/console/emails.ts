import type { Logger } from '../logger.js';
import type { Templates } from '../mail/templates.js';
import type { Mailer } from '../mail/transport.js';
import type { Operator } from './operators.js';
import { signInLinkMinutes } from './sign-in.js';

/** The emailed link that signs an operator in to the console. */
export interface ConsoleSignInEmail {
  email: string;
  signInUrl: string;
  minutes: number;
}

declare module '../mail/templates.js' {
  interface TemplateData {
    'console-sign-in': ConsoleSignInEmail;
  }
}

export interface ConsoleMailDeps {
  mailer: Mailer;
  templates: Templates;
  logger: Logger;
  baseUrl: string;
}

export const signInLinkPath = (token: string) => `/admin/sign-in/${token}`;

/**
 * Mails an operator their sign-in link. A failure is logged, never thrown:
 * the sign-in page has already answered, the same for everyone.
 */
export async function mailSignInLink(deps: ConsoleMailDeps, operator: Operator, token: string): Promise<boolean> {
  const rendered = deps.templates.render('console-sign-in', {
    email: operator.email,
    signInUrl: new URL(signInLinkPath(token), deps.baseUrl).toString(),
    minutes: signInLinkMinutes,
  });
  try {
    await deps.mailer.send({ to: operator.email, ...rendered });
    return true;
  } catch (error) {
    deps.logger.error({ operator: operator.id, err: error }, 'console sign-in link not sent');
    return false;
  }
}
