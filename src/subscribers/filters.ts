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

const slugList = z.array(z.string().trim().toLowerCase().min(1).max(100)).max(100).default([]);

export const filterSetSchema = z.object({
  councils: slugList,
  committees: slugList,
  topics: slugList,
  keywords: z
    .array(z.string().trim().min(2, 'must be at least 2 characters').max(100).refine((value) => !/[\r\n]/.test(value), 'must be on one line'))
    .max(20)
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
