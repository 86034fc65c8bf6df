import { sql, type SQL } from 'drizzle-orm';

/**
 * A list as one Postgres array parameter ($1::bigint[]): drizzle would spread
 * a JS array into one parameter per value, and node-postgres sends an array
 * parameter as an array literal, escaped.
 */
export function pgArray(values: readonly (string | number | null)[], type: 'bigint' | 'int' | 'text'): SQL {
  return sql`${sql.param(values)}::${sql.raw(type)}[]`;
}
