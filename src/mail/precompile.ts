import { precompileTemplates, precompiledFile } from './templates.js';

// `npm run build` runs this from dist/ once tsc is done: the emails' MJML compiled now, not in every process.
await precompileTemplates();
process.stdout.write(`Email templates compiled to ${precompiledFile}\n`);
