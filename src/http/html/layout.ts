import { html, type HtmlValue, type SafeHtml } from './html.js';

export const stylesheetPath = '/assets/site.css';

/**
 * One page: a skip link, the site header, the main content, a footer.
 * Styles come from one stylesheet (the CSP allows no inline style), and
 * nothing needs JavaScript.
 */
export function page(options: { title: string; body: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title} – Council Digest</title>
<link rel="stylesheet" href="${stylesheetPath}">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="wrap"><a class="brand" href="/">Council Digest</a></div></header>
<main id="main" class="wrap" tabindex="-1">
${options.body}
</main>
<footer class="site-footer"><div class="wrap">
<p>Council Digest emails a weekly summary of public council meetings. We keep your address and choices only to send it, and every email has a link to change or stop it.</p>
</div></footer>
</body>
</html>
`.value;
}

/** A short page with a heading and a few paragraphs: confirmations, notices, errors. */
export function messagePage(options: { title: string; lead: HtmlValue; more?: HtmlValue }): string {
  return page({
    title: options.title,
    body: html`<h1>${options.title}</h1>
<p class="lead">${options.lead}</p>
${options.more}`,
  });
}

export const stylesheet = `
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 100%; line-height: 1.5; color: #1b1b1b; background: #f3f4f6; }
body { margin: 0; }
.wrap { width: 100%; max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
a { color: #1d4f91; text-underline-offset: 0.15em; }
a:hover { color: #0b2e5c; text-decoration-thickness: 3px; }
:focus-visible { outline: 3px solid #0b0c0c; outline-offset: 0; box-shadow: 0 0 0 6px #ffdd00; }
a:focus-visible { background: #ffdd00; color: #0b0c0c; box-shadow: none; outline: none; text-decoration: underline 3px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.skip-link { position: absolute; left: -9999px; top: 0; }
.skip-link:focus { left: 1rem; top: 0.5rem; padding: 0.5rem 1rem; z-index: 10; }
.site-header { background: #1d3557; color: #fff; padding: 0.9rem 0; border-bottom: 6px solid #457b9d; }
.site-header .brand { color: #fff; font-weight: 700; font-size: 1.3rem; text-decoration: none; }
.site-header .brand:focus-visible { color: #0b0c0c; }
main.wrap { background: #fff; margin-top: 1.5rem; margin-bottom: 1.5rem; padding: 1.25rem 1.5rem 1.75rem; border-radius: 6px; box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
main:focus { outline: none; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.75rem; }
.lead { font-size: 1.15rem; }
.hint { color: #4a4f55; margin: 0 0 0.75rem; }
.field { margin: 0 0 1.75rem; }
label, legend { font-weight: 700; }
legend { font-size: 1.15rem; padding: 0; margin-bottom: 0.25rem; }
label { display: block; margin-bottom: 0.25rem; }
input[type="email"], input[type="text"] { width: 100%; max-width: 32rem; font: inherit; padding: 0.5rem; border: 2px solid #0b0c0c; border-radius: 0; background: #fff; color: #0b0c0c; }
input[aria-invalid="true"], fieldset[aria-invalid="true"] input[type="text"] { border: 3px solid #b3261e; }
fieldset { border: 0; padding: 0; margin: 0 0 1.75rem; min-width: 0; }
fieldset fieldset { margin: 0.75rem 0 0; }
fieldset fieldset legend { font-size: 1rem; }
.choices { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.15rem 1.25rem; }
.choice { display: flex; align-items: flex-start; gap: 0.6rem; padding: 0.3rem 0; }
.choice input { width: 1.4rem; height: 1.4rem; margin: 0.1rem 0 0; flex: none; accent-color: #1d4f91; }
.choice label { font-weight: 400; margin: 0; }
details { margin: 0 0 1.75rem; }
summary { cursor: pointer; color: #1d4f91; font-weight: 700; text-decoration: underline; text-underline-offset: 0.15em; }
details[open] summary { margin-bottom: 0.75rem; }
.committee-search { margin: 0 0 1rem; }
.search-row { display: flex; gap: 0.5rem; align-items: stretch; max-width: 32rem; }
.search-row input { flex: 1; min-width: 0; font: inherit; padding: 0.5rem; border: 2px solid #0b0c0c; border-radius: 0; }
.search-row .button { width: auto; font-size: 1rem; padding: 0.5rem 1rem; }
details.council-committees { margin: 0 0 0.5rem; border-bottom: 1px solid #d7d9dc; padding: 0.4rem 0; }
details.council-calendars { margin: 0 0 0.5rem; border-bottom: 1px solid #d7d9dc; padding: 0.4rem 0; }
ul.calendars { margin: 0; padding-left: 1.25rem; }
ul.calendars li { margin: 0.2rem 0; }
a.ics { font-size: 0.9rem; margin-left: 0.35rem; }
.calendar-address { overflow-wrap: anywhere; }
details.council-committees summary .count { font-weight: 400; color: #4a4f55; text-decoration: none; }
.button { display: inline-block; font: inherit; font-weight: 700; font-size: 1.1rem; line-height: 1.2; padding: 0.7rem 1.2rem; border: 2px solid transparent; border-radius: 4px; background: #1d4f91; color: #fff; cursor: pointer; box-shadow: 0 2px 0 #0b2e5c; text-decoration: none; }
.button:hover { background: #163d70; color: #fff; }
.button:focus-visible { background: #ffdd00; color: #0b0c0c; box-shadow: 0 2px 0 #0b0c0c; outline: 3px solid #0b0c0c; outline-offset: 0; text-decoration: none; }
.button.secondary { background: #f3f4f6; color: #0b0c0c; box-shadow: 0 2px 0 #929191; }
.button.secondary:hover { background: #dfe1e4; }
.button.warning { background: #b3261e; box-shadow: 0 2px 0 #6b1610; }
.button.warning:hover { background: #8f1e18; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin: 1rem 0; }
.actions form { margin: 0; }
.error-summary { border: 4px solid #b3261e; padding: 1rem 1.25rem; margin: 0 0 1.75rem; }
.error-summary h2 { margin: 0 0 0.5rem; font-size: 1.2rem; }
.error-summary ul { margin: 0; padding-left: 1.25rem; }
.error-summary a { color: #b3261e; font-weight: 700; }
.field-error { color: #b3261e; font-weight: 700; margin: 0 0 0.5rem; }
.notice { border-left: 6px solid #00703c; background: #e9f5ee; padding: 0.75rem 1rem; margin: 0 0 1.5rem; }
.notice p { margin: 0; }
.status { border-left: 6px solid #1d70b8; background: #eef4fb; padding: 0.75rem 1rem; margin: 0 0 1.5rem; }
dl.choices-summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.choices-summary dt { font-weight: 700; }
dl.choices-summary dd { margin: 0; }
.site-footer { color: #3b3f44; font-size: 0.9rem; padding-bottom: 1.5rem; }
.site-header .wrap, .site-footer .wrap { padding: 0 1.5rem; }
@media (max-width: 40rem) {
  h1 { font-size: 1.6rem; }
  main.wrap { margin-top: 0; padding: 1rem 1rem 1.5rem; border-radius: 0; }
  .site-header .wrap, .site-footer .wrap { padding: 0 1rem; }
  .button { width: 100%; text-align: center; }
  .actions form { width: 100%; }
}
`;
