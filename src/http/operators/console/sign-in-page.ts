import { signInLinkMinutes } from '../../../console/sign-in.js';
import { html } from '../../html/html.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export function signInPage(context: PageContext, options: { email?: string; notice?: string } = {}): string {
  return consolePage(context, {
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
${options.notice && html`<div class="notice" role="status"><p>${options.notice}</p></div>`}
<p class="lead">Operators sign in with a link sent by email. No password to remember.</p>
<form method="post" action="/admin/sign-in" novalidate>
${csrfField(context)}
<div class="field">
<label for="email">Your email address</label>
<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required value="${options.email ?? ''}">
</div>
<button class="button" type="submit">Email me a sign-in link</button>
</form>`,
  });
}

export function checkInboxPage(context: PageContext): string {
  return consolePage(context, {
    title: 'Check your inbox',
    body: html`<h1>Check your inbox</h1>
<p class="lead">If that address belongs to an operator, we have sent it a sign-in link. It works once, for ${signInLinkMinutes} minutes.</p>
<p>Nothing arrived? Check the address and <a href="/admin/sign-in">ask again</a>, or ask an owner to add you.</p>`,
  });
}

/** The emailed link lands here; the button signs in, so a mail scanner opening the link spends nothing. */
export function confirmSignInPage(context: PageContext, action: string): string {
  return consolePage(context, {
    title: 'Sign in to the console',
    body: html`<h1>Sign in to the console</h1>
<p class="lead">Press the button to finish signing in on this device.</p>
<form method="post" action="${action}">${csrfField(context)}<button class="button" type="submit">Sign in</button></form>`,
  });
}

export function badSignInLinkPage(context: PageContext): string {
  return consolePage(context, {
    title: "This sign-in link doesn't work",
    body: html`<h1>This sign-in link doesn't work</h1>
<p class="lead">A sign-in link works once, for ${signInLinkMinutes} minutes, and only while you are an operator.</p>
<p><a class="button" href="/admin/sign-in">Get a new link</a></p>`,
  });
}
