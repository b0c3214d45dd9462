import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** What `count` asks for: no total (the default, free), an exact one, or the planner's estimate. */
export const COUNT_MODES = ['none', 'exact', 'estimated'] as const;
export type CountMode = (typeof COUNT_MODES)[number];

/**
 * Below this many estimated rows an exact count is cheap, and given instead: an estimate is least
 * accurate on small, recently changed tables, where clients notice it most.
 */
export const EXACT_COUNT_BELOW = 1_000;

export interface ListTotal {
  readonly total: number;
  readonly totalKind: 'exact' | 'estimated';
}

/**
 * The number of rows the filtered list holds. `estimated` reads the planner's row estimate from
 * EXPLAIN (FORMAT JSON) of the same filtered query, which costs no scan (it is as good as the table's
 * statistics), and counts exactly when that estimate is small.
 */
export async function countRows<E extends ObjectLiteral>(
  rows: SelectQueryBuilder<E>,
  mode: Exclude<CountMode, 'none'>,
): Promise<ListTotal> {
  if (mode === 'estimated') {
    const estimate = await plannedRows(rows);
    if (estimate >= EXACT_COUNT_BELOW) return { total: estimate, totalKind: 'estimated' };
  }
  return { total: await rows.getCount(), totalKind: 'exact' };
}

interface ExplainRow {
  readonly 'QUERY PLAN': readonly { readonly Plan: { readonly 'Plan Rows': number } }[];
}

async function plannedRows<E extends ObjectLiteral>(rows: SelectQueryBuilder<E>): Promise<number> {
  const [sql, parameters] = rows.getQueryAndParameters();
  // The query builder's data source is the repository's: the replica's for reads.
  const [plan] = (await rows.connection.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters)) as ExplainRow[];
  return Math.round(plan['QUERY PLAN'][0].Plan['Plan Rows']);
}
