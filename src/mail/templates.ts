import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { encodeLiterals, fillEncoded, type QuotedPrintableBodies } from './quoted-printable.js';

/**
 * The typed map from template name to the data it is filled with. Each
 * capability adds its own emails by declaration merging, next to the code
 * that builds the data:
 *
 *   declare module '../mail/templates.js' {
 *     interface TemplateData { confirm: ConfirmEmail }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TemplateData {}

export type TemplateName = keyof TemplateData & string;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface Templates {
  render<Name extends TemplateName>(name: Name, data: TemplateData[Name]): RenderedEmail;
  /**
   * Renders once for many recipients: `make` builds the data with `slot(key)`
   * in place of each personal value (an address, a link with a token), and
   * `fill` puts one recipient's values in, escaped as the template would
   * have escaped them. `fill(values)` equals `render` of the data with those
   * values, provided the template prints personal values plainly
   * ({{value}}, not through a helper or {{{raw}}}) and they hold no white
   * space (addresses and URLs).
   */
  prepare<Name extends TemplateName>(name: Name, make: (slot: (key: string) => string) => TemplateData[Name]): PreparedEmail;
  /**
   * `prepare` for sending alone: the html and text are kept quoted-printable
   * only, encoded at once (half the memory of a prepared email, and nothing
   * joined per recipient that goes unsent), with no `fill`.
   */
  prepareToSend<Name extends TemplateName>(name: Name, make: (slot: (key: string) => string) => TemplateData[Name]): PreparedSend;
  names(): string[];
}

/** An email's subject, and its html and text quoted-printable, as the transport sends them (mail/transport.ts). */
export interface SendableEmail {
  subject: string;
  encoded: QuotedPrintableBodies;
}

export interface PreparedSend {
  /** The subject of `fill(values)`, and its html and text quoted-printable: the shared pieces are encoded once. */
  send(values: Record<string, string>): SendableEmail;
}

export interface PreparedEmail extends PreparedSend {
  fill(values: Record<string, string>): RenderedEmail;
}

export const templatesFolder = fileURLToPath(new URL('../../templates', import.meta.url));

/**
 * Where `npm run build` leaves every email's MJML compiled: dist/templates.compiled.json
 * beside the compiled code (never written beside the sources). A process that
 * finds it, made from the very templates it loads, never loads MJML: MJML and
 * what it pulls in (lodash, cheerio, parse5, undici, js-beautify) are about
 * 20 MB of a worker's heap, used once at start-up and kept for its life.
 */
export const precompiledFile = fileURLToPath(new URL('../templates.compiled.json', import.meta.url));

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** The emails of a templates folder: the names of its email folders (partials/ holds what they include). */
async function emailNames(folder: string): Promise<string[]> {
  return (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isDirectory() && entry.name !== 'partials').map((entry) => entry.name);
}

/**
 * What a compilation is made from: every file of the folder, MJML's version
 * and how it is called. Equal keys give equal HTML, so a precompiled file is
 * used only when its key is the folder's now.
 */
async function compileKey(folder: string): Promise<string> {
  const hash = createHash('sha256');
  const mjmlVersion = (JSON.parse(await readFile(createRequire(import.meta.url).resolve('mjml/package.json'), 'utf8')) as { version: string }).version;
  hash.update(`mjml ${mjmlVersion} strict, no comments\0`);
  const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const paths = files.map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name))).sort();
  for (const file of paths) hash.update(`${file}\0`).update(await readFile(path.join(folder, file))).update('\0');
  return hash.digest('hex');
}

/** Every email's html.mjml compiled by MJML with strict validation, partials from templates/partials via mj-include. */
async function compileMjml(folder: string): Promise<Record<string, string>> {
  const { default: mjml2html } = await import('mjml');
  const compiled: Record<string, string> = {};
  for (const name of await emailNames(folder)) {
    const filePath = path.join(folder, name, 'html.mjml');
    // MJML 5 skips mj-include unless asked; includes may only reach inside templates/.
    const result = await mjml2html(await readFile(filePath, 'utf8'), {
      validationLevel: 'strict',
      filePath,
      keepComments: false,
      ignoreIncludes: false,
      includePath: folder,
    });
    if (result.errors.length) {
      throw new TemplateError(
        `${filePath}: ${result.errors.map((error) => `line ${error.line}: ${error.message}`).join('; ')}`,
      );
    }
    compiled[name] = result.html;
  }
  return compiled;
}

interface Precompiled {
  key: string;
  html: Record<string, string>;
}

/** The build's compilation when it was made from this folder as it is now; otherwise MJML compiles it here. */
async function compiledHtml(folder: string, precompiled: string): Promise<Record<string, string>> {
  const stored = await readFile(precompiled, 'utf8').then(
    (text) => JSON.parse(text) as Precompiled,
    () => undefined,
  );
  if (stored && stored.key === (await compileKey(folder))) return stored.html;
  return compileMjml(folder);
}

/**
 * `npm run build`'s last step: compiles every email's MJML into `file`, keyed
 * by what it was made from. A broken template fails the build.
 */
export async function precompileTemplates(folder = templatesFolder, file = precompiledFile): Promise<void> {
  const stored: Precompiled = { key: await compileKey(folder), html: await compileMjml(folder) };
  await writeFile(file, JSON.stringify(stored));
}

/**
 * Loads every email in templates/ once, at start-up: each folder holds
 * html.mjml (compiled by MJML with strict validation, partials from
 * templates/partials via mj-include; by the build when `precompiled` holds
 * it), text.hbs (the plain-text part) and subject.hbs. MJML runs at most once
 * per process; per recipient only Handlebars fills the compiled HTML,
 * escaping every value unless a template says otherwise, so meeting text
 * never becomes markup.
 */
export async function loadTemplates(folder = templatesFolder, precompiled = precompiledFile): Promise<Templates> {
  const handlebars = Handlebars.create();
  registerHelpers(handlebars);
  const compiled = new Map<string, { subject: HandlebarsTemplateDelegate; html: HandlebarsTemplateDelegate; text: HandlebarsTemplateDelegate }>();
  // Plain-text partials (templates/partials/*.hbs), used as {{> name}}: the HTML ones are MJML's mj-include.
  const partialsFolder = path.join(folder, 'partials');
  for (const file of (await readdir(partialsFolder).catch(() => [])).filter((name) => name.endsWith('.hbs'))) {
    handlebars.registerPartial(file.slice(0, -'.hbs'.length), await readFile(path.join(partialsFolder, file), 'utf8'));
  }
  const htmlOf = await compiledHtml(folder, precompiled);
  for (const name of await emailNames(folder)) {
    const dir = path.join(folder, name);
    const read = (file: string) => readFile(path.join(dir, file), 'utf8');
    const [textSource, subjectSource] = await Promise.all([read('text.hbs'), read('subject.hbs')]);
    const parts = {
      // MJML indents its output generously; a run of white space holding a newline renders as one
      // space either way, and dropping the rest cuts a digest by a fifth: bytes every send pays for.
      html: handlebars.compile(htmlOf[name]!.replace(/[ \t]*\n\s*/g, '\n'), { strict: true }),
      // Plain text is not HTML: no entity escaping there.
      text: handlebars.compile(textSource, { strict: true, noEscape: true }),
      subject: handlebars.compile(subjectSource.trim(), { strict: true, noEscape: true }),
    };
    // Handlebars compiles a template on its first use (180 ms for the digest's three); do it now, at start-up,
    // rather than in the first recipient's send, and report a broken template now too. Empty data fails strict
    // mode after compiling, as meant.
    for (const part of Object.values(parts)) {
      try {
        part({});
      } catch (error) {
        if (!/ not defined in /.test((error as Error).message)) throw new TemplateError(`${dir}: ${(error as Error).message}`);
      }
    }
    compiled.set(name, parts);
  }
  // Marks personal values in prepared emails: hex and dots pass every escape unchanged, and a nonce fresh
  // to this process never occurs in meeting text.
  const nonce = randomBytes(8).toString('hex');
  const render = <Name extends TemplateName>(name: Name, data: TemplateData[Name]): RenderedEmail => {
    const template = compiled.get(name);
    if (!template) throw new TemplateError(`No email template "${name}" in ${folder}`);
    return {
      subject: template.subject(data).replace(/\s+/g, ' ').trim(),
      html: template.html(data),
      text: template.text(data).replace(/\n{3,}/g, '\n\n').trim() + '\n',
    };
  };
  return {
    names: () => [...compiled.keys()].sort(),
    render,
    prepare(name, make) {
      const pieces = prepareIn(name, make);
      // Encoded on the first send, not when prepared: a dry run never needs them.
      let encoded: EncodedPieces | undefined;
      return {
        fill: (values) => ({
          subject: pieces.join(pieces.subject, values, plain),
          html: pieces.join(pieces.html, values, handlebars.Utils.escapeExpression),
          text: pieces.join(pieces.text, values, plain),
        }),
        send: (values) => pieces.send((encoded ??= encodePieces(pieces)), values),
      };
    },
    prepareToSend(name, make) {
      const pieces = prepareIn(name, make);
      const encoded = encodePieces(pieces);
      // Only what sending reads is kept: the plain html and text pieces go with `pieces`.
      const { send } = pieces;
      return { send: (values) => send(encoded, values) };
    },
  };

  /** An email rendered with `nonce`-marked slots, split into literal and key pieces, and how to put values into them. */
  function prepareIn<Name extends TemplateName>(name: Name, make: (slot: (key: string) => string) => TemplateData[Name]) {
    const rendered = render(name, make((key) => `${nonce}.${key}.${nonce}`));
    // Literal, key, literal, key, ..., literal: indexOf rather than a regular expression, as this runs per digest.
    const split = (text: string): string[] => {
      const pieces: string[] = [];
      let from = 0;
      for (let start = text.indexOf(nonce); start >= 0; start = text.indexOf(nonce, from)) {
        const end = text.indexOf(nonce, start + nonce.length);
        pieces.push(text.slice(from, start), text.slice(start + nonce.length + 1, end - 1));
        from = end + nonce.length;
      }
      pieces.push(text.slice(from));
      return pieces;
    };
    const value = (values: Record<string, string>, key: string) => {
      const given = values[key];
      if (given === undefined) throw new TemplateError(`No value for "${key}" in a prepared "${name}" email`);
      return given;
    };
    const join = (pieces: string[], values: Record<string, string>, escape: (value: string) => string) => {
      if (pieces.length === 1) return pieces[0]!;
      let out = '';
      for (let index = 0; index < pieces.length; index += 1) out += index % 2 === 0 ? pieces[index] : escape(value(values, pieces[index]!));
      return out;
    };
    const subject = split(rendered.subject);
    return {
      subject,
      html: split(rendered.html),
      text: split(rendered.text),
      join,
      send: (encoded: EncodedPieces, values: Record<string, string>): SendableEmail => ({
        subject: join(subject, values, plain),
        encoded: {
          html: fillEncoded(encoded.html, (key) => handlebars.Utils.escapeExpression(value(values, key))),
          text: fillEncoded(encoded.text, (key) => value(values, key)),
        },
      }),
    };
  }
}

/** A prepared email's html and text pieces, their literals quoted-printable (mail/quoted-printable.ts). */
type EncodedPieces = { html: string[]; text: string[] };

const encodePieces = (pieces: { html: string[]; text: string[] }): EncodedPieces => ({ html: encodeLiterals(pieces.html), text: encodeLiterals(pieces.text) });

const plain = (value: string) => value;

function registerHelpers(handlebars: typeof Handlebars) {
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // {{#if (or a b)}}: Handlebars passes its options object last.
  handlebars.registerHelper('or', (...values: unknown[]) => values.slice(0, -1).some(Boolean));
  handlebars.registerHelper('plural', (count: number, singular: string, plural: string) =>
    `${count} ${count === 1 ? singular : plural}`,
  );
  // Underlines a heading in the plain-text part.
  // {{underline heading "-" number}}: as long as "<number> <heading>" when a number is given.
  handlebars.registerHelper('underline', (text: string, char: string, ...rest: unknown[]) => {
    const prefix = rest.length > 1 && typeof rest[0] === 'string' && rest[0] ? `${rest[0]} ` : '';
    return String(char).repeat(prefix.length + String(text).length);
  });
  /**
   * {{#memo "name"}}...{{/memo}} renders its block once per context object
   * and name: a meeting card that many digests share is rendered once. The
   * block may read only its context (`this` and below), never a personal
   * value, and a context object is never changed once rendered (digest
   * content is built once and shared).
   */
  const memos = new WeakMap<object, Map<string, string>>();
  handlebars.registerHelper('memo', function (this: unknown, name: string, options: Handlebars.HelperOptions) {
    if (typeof this !== 'object' || this === null) return options.fn(this);
    let byName = memos.get(this);
    if (!byName) memos.set(this, (byName = new Map()));
    let html = byName.get(name);
    if (html === undefined) byName.set(name, (html = options.fn(this)));
    return html;
  });
}
