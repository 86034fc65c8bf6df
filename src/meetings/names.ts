/**
 * Punctuation-blind keys for councils and committees: pages spell the same
 * body "Childrens Social Care Cabinet Panel" and "Children's Social Care
 * Cabinet Panel", and both must land on one committee.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The better of two spellings of one name: the one that keeps its apostrophes and capitals. */
export function preferredName(current: string, candidate: string): string {
  const richness = (name: string) => (name.match(/['\u2019A-Z&]/g) ?? []).length;
  return richness(candidate) > richness(current) ? candidate : current;
}
