import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A subscriber's (or a feed's) filter set. Councils and committees narrow;
 * topics and keywords widen each other; empty lists mean "everything" (see
 * meetings/queries.ts, which applies the same rule).
 */
export interface FilterSet {
  councils: string[];
  committees: string[];
  topics: string[];
  keywords: string[];
}

const slugList = z.array(z.string().trim().toLowerCase().min(1).max(100)).max(100, 'at most 100 choices').default([]);

export const filterSetSchema = z.object({
  councils: slugList,
  committees: slugList,
  topics: slugList,
  keywords: z
    .array(
      z
        .string()
        .trim()
        .min(2, 'each keyword needs at least 2 characters')
        .max(100, 'each keyword has at most 100 characters')
        .refine((value) => !/[\r\n]/.test(value), 'each keyword must be on one line'),
    )
    .max(20, 'at most 20 keywords')
    .default([]),
});

/** Sorted, de-duplicated, keywords case-folded: equal filter sets compare equal. */
export function normaliseFilters(filters: Partial<FilterSet>): FilterSet {
  const clean = (values: string[] | undefined, fold = false) =>
    [...new Set((values ?? []).map((value) => value.trim().replace(/\s+/g, ' ')).map((value) => (fold ? value.toLowerCase() : value)).filter(Boolean))].sort();
  return {
    councils: clean(filters.councils, true),
    committees: clean(filters.committees, true),
    topics: clean(filters.topics, true),
    keywords: clean(filters.keywords, true),
  };
}

/** Subscribers with the same key get the same digest content, so a run builds it once. */
export function filterKey(filters: Partial<FilterSet>): string {
  return createHash('sha256').update(JSON.stringify(normaliseFilters(filters))).digest('hex').slice(0, 32);
}

/** What a filter set may name: the councils (with their committees) and topics that exist. */
export interface FilterCatalogue {
  councils: { slug: string; name: string; committees: { slug: string; name: string }[] }[];
  topics: { slug: string; name: string }[];
}

export interface UnknownFilterValues {
  field: 'councils' | 'committees' | 'topics';
  unknown: string[];
  valid: string[];
}

/** "Unknown topics: potholes. Valid topics: care-leavers, …." `label` names the field as the caller's input does. */
export function describeUnknown({ field, unknown, valid }: UnknownFilterValues, label: string = field): string {
  return `Unknown ${label}: ${unknown.join(', ')}. Valid ${label}: ${valid.join(', ') || '(none yet)'}.`;
}

/** How a committee is named in a filter set when it must be that council's alone: "watford/cabinet". */
export function qualifiedCommittee(councilSlug: string, committeeSlug: string): string {
  return `${councilSlug}/${committeeSlug}`;
}

/**
 * The slugs a filter set names that do not exist, with the valid choices.
 * Committees are checked against the chosen councils (all when none is chosen),
 * so a committee of another council is caught rather than matching nothing.
 * A committee may be named by its slug (that committee of every chosen
 * council) or as council/committee (that council's alone).
 */
export function unknownFilterValues(filters: FilterSet, catalogue: FilterCatalogue): UnknownFilterValues[] {
  // Each list of choices is made only for a field the filter set uses: this runs on every sign-up.
  const choices = {
    councils: () => catalogue.councils.map((council) => council.slug),
    committees: () =>
      [
        ...new Set(
          catalogue.councils
            .filter((council) => !filters.councils.length || filters.councils.includes(council.slug))
            .flatMap((council) => council.committees.flatMap((committee) => [committee.slug, qualifiedCommittee(council.slug, committee.slug)])),
        ),
      ].sort(),
    topics: () => catalogue.topics.map((topic) => topic.slug),
  };
  return (['councils', 'committees', 'topics'] as const).flatMap((field) => {
    if (!filters[field].length) return [];
    const valid = choices[field]();
    const unknown = filters[field].filter((slug) => !valid.includes(slug));
    return unknown.length ? [{ field, unknown, valid }] : [];
  });
}

export interface FilterLine {
  label: string;
  values: string[];
}

/**
 * A catalogue's names by slug, made once per catalogue object: a digest run
 * describes every filter set it builds against the same catalogue, which a
 * caller must not change once it has been described.
 */
const namesOf = new WeakMap<FilterCatalogue, { councils: Map<string, string>; committees: Map<string, string>; topics: Map<string, string> }>();

function catalogueNames(catalogue: FilterCatalogue) {
  let names = namesOf.get(catalogue);
  if (!names) {
    names = {
      councils: new Map(catalogue.councils.map((council) => [council.slug, council.name])),
      committees: new Map(
        catalogue.councils.flatMap((council) =>
          council.committees.flatMap((committee) => [
            [committee.slug, committee.name] as const,
            [qualifiedCommittee(council.slug, committee.slug), `${committee.name} (${council.name})`] as const,
          ]),
        ),
      ),
      topics: new Map(catalogue.topics.map((topic) => [topic.slug, topic.name])),
    };
    namesOf.set(catalogue, names);
  }
  return names;
}

/** Human names for a filter set, for emails and pages ("Councils: Hertfordshire County Council"). */
export function describeFilters(filters: FilterSet, catalogue: FilterCatalogue): FilterLine[] {
  const { councils: councilName, committees: committeeName, topics: topicName } = catalogueNames(catalogue);
  const named = (slugs: string[], names: Map<string, string>) => slugs.map((slug) => names.get(slug) ?? slug);
  return [
    { label: 'Councils', values: filters.councils.length ? named(filters.councils, councilName) : ['All councils'] },
    { label: 'Committees', values: filters.committees.length ? named(filters.committees, committeeName) : ['All committees'] },
    { label: 'Topics', values: filters.topics.length || filters.keywords.length ? named(filters.topics, topicName) : ['Every topic'] },
    { label: 'Keywords', values: filters.keywords },
  ].filter((line) => line.values.length > 0);
}
