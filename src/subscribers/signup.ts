import type { SubscriberDeps } from './deps.js';
import { EmailAddressError, emailKey } from './email.js';
import {
  describeUnknown,
  filterSetSchema,
  normaliseFilters,
  unknownFilterValues,
  type FilterCatalogue,
  type FilterSet,
} from './filters.js';
import { signUpSubscriber } from './repo.js';

/** One thing wrong with a request, named by the field it came from. */
export interface Problem {
  path: string;
  message: string;
  /** For unknown councils, committees or topics: the choices that exist. */
  valid?: string[];
}

/** A sign-up as the form and the API give it, before any checking. */
export interface SignUpInput {
  email: string;
  councils: string[];
  committees: string[];
  topics: string[];
  keywords: string[];
}

export type CheckedSignUp =
  | { ok: true; email: string; emailKey: string; filters: FilterSet }
  /** 400: the input is malformed; 422: well-formed, but names councils, committees or topics that do not exist. */
  | { ok: false; status: 400 | 422; message: string; problems: Problem[] };

/** Checks a filter set as given: its shape (400), then that every slug exists (422, with the valid ones). */
export function checkFilters(input: Partial<FilterSet>, catalogue: FilterCatalogue): { ok: true; filters: FilterSet } | { ok: false; status: 400 | 422; message: string; problems: Problem[] } {
  const parsed = filterSetSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return { ok: false, status: 400, message: describeProblems(problems), problems };
  }
  const filters = normaliseFilters(parsed.data);
  const unknown = unknownFilterValues(filters, catalogue);
  if (unknown.length) {
    const problems = unknown.map(({ field, unknown: names, valid }) => ({ path: field, message: `unknown ${field}: ${names.join(', ')}`, valid }));
    const message = unknown.map((each) => describeUnknown(each)).join(' ');
    return { ok: false, status: 422, message, problems };
  }
  return { ok: true, filters };
}

export function checkSignUp(input: SignUpInput, catalogue: FilterCatalogue): CheckedSignUp {
  let key: string;
  try {
    key = emailKey(input.email);
  } catch (error) {
    if (!(error instanceof EmailAddressError)) throw error;
    const problems = [{ path: 'email', message: error.message }];
    return { ok: false, status: 400, message: describeProblems(problems), problems };
  }
  const checked = checkFilters(input, catalogue);
  if (!checked.ok) return checked;
  return { ok: true, email: input.email.trim(), emailKey: key, filters: checked.filters };
}

function describeProblems(problems: Problem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
}

/** What a sign-up did; the caller answers the same whatever it was, so nobody learns which addresses are known. */
export type SignUpOutcome = 'confirm-queued' | 'manage-queued' | 'suppressed' | 'mail-limit';

/**
 * Double opt-in. A new address is stored as pending and mailed a
 * confirmation link; a pending one is mailed a fresh link (with the latest
 * choices); a confirmed or unsubscribed one is mailed its manage link and
 * nothing about it changes. Suppressed addresses are never mailed, nor
 * stored. Every case is one statement (see `signUpSubscriber`) and, when
 * there is mail, one job on the queue: the worker renders and sends it, so
 * neither the answer nor its timing waits on the SMTP server or tells the
 * cases apart.
 */
export async function signUp(
  deps: SubscriberDeps,
  request: { email: string; emailKey: string; filters: FilterSet; source: 'form' | 'api' },
): Promise<SignUpOutcome> {
  const now = deps.now();
  const since = new Date(now.getTime() - deps.mailLimit.windowMinutes * 60_000);
  const { suppressed, mail } = await signUpSubscriber(
    deps.db,
    { email: request.email, emailKey: request.emailKey, filters: request.filters, consentSource: request.source },
    { perAddress: deps.mailLimit.perAddress, since },
    now,
  );
  if (suppressed) {
    deps.logger.info({ outcome: 'suppressed' }, 'sign-up for a suppressed address: nothing sent');
    return 'suppressed';
  }
  if (!mail) {
    deps.logger.warn({ outcome: 'mail-limit' }, 'sign-up mail limit reached for an address: nothing sent');
    return 'mail-limit';
  }
  await deps.mail.queueMail(mail.id);
  return mail.kind === 'confirm' ? 'confirm-queued' : 'manage-queued';
}
