import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/client.js';
import { subscribers } from '../../src/db/schema/index.js';
import { emailKey } from '../../src/subscribers/email.js';
import { filterKey, normaliseFilters, type FilterSet } from '../../src/subscribers/filters.js';

export type SubscriberRow = typeof subscribers.$inferSelect;

/** A subscriber written straight to the table: active (confirmed) unless told otherwise. */
export async function addSubscriber(
  db: Db,
  options: { email?: string; filters?: Partial<FilterSet>; status?: SubscriberRow['status'] } = {},
): Promise<SubscriberRow> {
  const email = options.email ?? `reader-${randomBytes(4).toString('hex')}@example.org`;
  const filters = normaliseFilters(options.filters ?? {});
  const [row] = await db
    .insert(subscribers)
    .values({
      email,
      emailKey: emailKey(email),
      status: options.status ?? 'active',
      ...filters,
      filterKey: filterKey(filters),
      consentSource: 'import',
      confirmedAt: new Date(),
    })
    .returning();
  return row!;
}

/** Several at once, addressed reader-<n>@<domain>. */
export async function addSubscribers(db: Db, count: number, filters: Partial<FilterSet> = {}, domain = 'example.org') {
  const rows: SubscriberRow[] = [];
  for (let n = 0; n < count; n += 1) rows.push(await addSubscriber(db, { email: `reader-${n}@${domain}`, filters }));
  return rows;
}
