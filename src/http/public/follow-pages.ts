import type { FollowOffer } from '../../follows/follow.js';
import { hiddenFormToken } from '../html/forms.js';
import { html } from '../html/html.js';
import { messagePage } from '../html/layout.js';
import type { FormTarget } from './subscription-pages.js';

/** "Planning Committee, Stevenage Borough Council, Wednesday 15 October, 6pm". */
function meetingLine(offer: FollowOffer, date: string) {
  return html`<strong>${offer.meeting.committee}</strong>, ${offer.meeting.council}, ${date}`;
}

/**
 * What a Follow link opens: what will be followed, in matching's own words,
 * and one button, so a link scanner fetching the page follows nothing. The
 * alerts box is ticked: an agenda listing the matter is what most people
 * follow an item to hear about.
 */
export function followPage(options: { offer: FollowOffer; date: string; follow: FormTarget; managePath: string }): string {
  const { offer } = options;
  if (offer.existing) {
    return messagePage({
      title: 'You already follow this',
      lead: html`We look for ${offer.lookingFor} in every agenda we read.`,
      more: html`<p><a href="${options.managePath}">See and change what you follow</a>.</p>`,
    });
  }
  return messagePage({
    title: 'Follow this item?',
    lead: html`We will look for ${offer.lookingFor}.`,
    more: html`<p>You saw it as “${offer.item}”, on the agenda of ${meetingLine(offer, options.date)}.</p>
<p>Every later digest puts the meetings that list it first, under “Items you follow”, whatever else you chose, and your calendar feed holds them.</p>
<form method="post" action="${options.follow.action}">${hiddenFormToken(options.follow.token)}
<div class="choice"><input type="checkbox" id="alerts" name="alerts" value="on" checked><label for="alerts">Email me when an agenda lists it</label></div>
<button type="submit" class="button">Follow this item</button></form>
<p>Changed your mind? Close this page: nothing is followed until you press the button.</p>`,
  });
}

export function followedPage(options: { offer: FollowOffer; created: boolean; alerts: boolean; managePath: string }): string {
  const { offer } = options;
  return messagePage({
    title: options.created ? "You're following this item" : 'You already follow this',
    lead: html`We will look for ${offer.lookingFor}.`,
    more: html`${options.created ? '' : html`<p>Nothing has changed.</p>`}
<p>${options.alerts ? 'We will email you when an agenda lists it, and ' : ''}${options.alerts ? 'every' : 'Every'} later digest puts the meetings that list it first.</p>
<p><a href="${options.managePath}">See and change what you follow</a>.</p>`,
  });
}
