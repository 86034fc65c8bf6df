/**
 * The address of a council's public calendar feed, or one committee's, by
 * the slugs /api/councils lists: what the sign-up page and the meetings API
 * link. `baseUrl` is PUBLIC_BASE_URL (calendar apps need the whole URL);
 * `subscribers/links.ts`'s `webcalUrl` makes the one-click form of it.
 */
export function publicCalendarUrl(baseUrl: string, council: string, committee?: string): string {
  const path = committee === undefined ? encodeURIComponent(council) : `${encodeURIComponent(council)}/${encodeURIComponent(committee)}`;
  return `${baseUrl}/calendar/councils/${path}.ics`;
}
