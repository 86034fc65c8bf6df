import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import mjml2html from 'mjml';

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
  names(): string[];
}

export const templatesFolder = fileURLToPath(new URL('../../templates', import.meta.url));

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Loads every email in templates/ once, at start-up: each folder holds
 * html.mjml (compiled by MJML with strict validation, partials from
 * templates/partials via mj-include), text.hbs (the plain-text part) and
 * subject.hbs. MJML runs once per process; per recipient only Handlebars
 * fills the compiled HTML, escaping every value unless a template says
 * otherwise, so meeting text never becomes markup.
 */
export async function loadTemplates(folder = templatesFolder): Promise<Templates> {
  const handlebars = Handlebars.create();
  registerHelpers(handlebars);
  const compiled = new Map<string, { subject: HandlebarsTemplateDelegate; html: HandlebarsTemplateDelegate; text: HandlebarsTemplateDelegate }>();
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === 'partials') continue;
    const dir = path.join(folder, entry.name);
    const read = (file: string) => readFile(path.join(dir, file), 'utf8');
    const [mjmlSource, textSource, subjectSource] = await Promise.all([read('html.mjml'), read('text.hbs'), read('subject.hbs')]);
    const filePath = path.join(dir, 'html.mjml');
    // MJML 5 skips mj-include unless asked; includes may only reach inside templates/.
    const result = await mjml2html(mjmlSource, {
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
    compiled.set(entry.name, {
      // MJML indents its output generously; a run of white space holding a newline renders as one
      // space either way, and dropping the rest cuts a digest by a fifth: bytes every send pays for.
      html: handlebars.compile(result.html.replace(/[ \t]*\n\s*/g, '\n'), { strict: true }),
      // Plain text is not HTML: no entity escaping there.
      text: handlebars.compile(textSource, { strict: true, noEscape: true }),
      subject: handlebars.compile(subjectSource.trim(), { strict: true, noEscape: true }),
    });
  }
  return {
    names: () => [...compiled.keys()].sort(),
    render(name, data) {
      const template = compiled.get(name);
      if (!template) throw new TemplateError(`No email template "${name}" in ${folder}`);
      return {
        subject: template.subject(data).replace(/\s+/g, ' ').trim(),
        html: template.html(data),
        text: template.text(data).replace(/\n{3,}/g, '\n\n').trim() + '\n',
      };
    },
  };
}

function registerHelpers(handlebars: typeof Handlebars) {
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  handlebars.registerHelper('plural', (count: number, singular: string, plural: string) =>
    `${count} ${count === 1 ? singular : plural}`,
  );
  // Underlines a heading in the plain-text part.
  handlebars.registerHelper('underline', (text: string, char: string) => String(char).repeat(String(text).length));
}
