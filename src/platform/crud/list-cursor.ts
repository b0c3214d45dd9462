import { createHash } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { errorBody } from '../http/error-body';
import { parseFilterValue } from './list-filter';
import { FilterType, ResourceDefinition } from './resource';
import { SortKey } from './sort-order';

const TEXT_TYPES: ReadonlySet<FilterType> = new Set(['string', 'email', 'text']);

/** Sort values and the primary key of the last row of a page, as PostgreSQL writes them; null for NULL. */
type CursorValues = readonly (string | null)[];

interface CursorPayload {
  /** The order the cursor was made for, as `sort` spells it (`-priority,id`). */
  readonly sort: string;
  /** A digest of the filter the cursor was made for (see filterDigest); the filter itself could be long. */
  readonly filter: string;
  readonly after: CursorValues;
}

/** The order as a cursor records it: a cursor continues only the order it was made for. */
export function sortSpelling(order: readonly SortKey[]): string {
  return order.map(({ property, direction }) => `${direction === 'DESC' ? '-' : ''}${property}`).join(',');
}

/**
 * The opaque `nextCursor`: base64url of the order, a digest of the filter (the `filter` query
 * parameter as parsed) and the last row's sort values. The order and filter bind the cursor to its
 * list: the same values after another filter or in another order would silently give wrong pages.
 */
export function encodeCursor(order: readonly SortKey[], filter: unknown, after: CursorValues): string {
  const payload: CursorPayload = { sort: sortSpelling(order), filter: filterDigest(filter), after };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/**
 * The last row's sort values from a cursor the client sent back. A cursor that does not decode, was
 * made for another order or filter, or holds a value its property's type cannot (a tampered one) is a
 * 400 naming `cursor`; the values are then bound as typed parameters like any filter value.
 */
export function decodeCursor(
  resource: ResourceDefinition,
  order: readonly SortKey[],
  filter: unknown,
  cursor: string,
): CursorValues {
  const problem = cursorProblem(cursor, sortSpelling(order), filter);
  if (problem !== undefined) throw cursorError(problem);
  const { after } = readPayload(cursor)!;
  if (after.length !== order.length) throw cursorError(NOT_OURS);
  order.forEach(({ property }, index) => {
    const value: unknown = after[index];
    if (value === null) return;
    const field = resource.filterable[property];
    // Text may be longer than a filter value may (a varchar of any length); the cursor's own cap bounds it.
    const valid =
      typeof value === 'string' &&
      field !== undefined &&
      (TEXT_TYPES.has(field.type) || parseFilterValue(field, value) !== undefined);
    if (!valid) throw cursorError(NOT_OURS);
  });
  return after;
}

const NOT_OURS = 'cursor is not one this API returned';

/**
 * What is wrong with a cursor for a list in the order `sort` (as sortSpelling spells it) and with
 * `filter`, as far as can be told without the resource; undefined when it fits. The validation pipe
 * uses this to report a cursor together with every other bad parameter.
 */
export function cursorProblem(cursor: string, sort: string | undefined, filter: unknown): string | undefined {
  const payload = readPayload(cursor);
  if (payload === undefined) return NOT_OURS;
  if (sort !== undefined && payload.sort !== sort) {
    return `cursor continues the order sort=${payload.sort}; send that sort with it, or start again without cursor`;
  }
  if (payload.filter !== filterDigest(filter)) {
    return 'cursor continues a list with another filter; send the filter it was made with, or start again without cursor';
  }
  return undefined;
}

function readPayload(cursor: string): CursorPayload | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const { sort, filter, after } = (payload ?? {}) as Partial<CursorPayload>;
  if (typeof sort !== 'string' || typeof filter !== 'string' || !Array.isArray(after)) return undefined;
  return { sort, filter, after };
}

/**
 * A short digest of the filter as parsed from the query string, keys sorted at every level: the
 * order of the conditions in the URL changes nothing, and neither should it change the cursor.
 */
function filterDigest(filter: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(filter ?? null))
    .digest('base64url')
    .slice(0, FILTER_DIGEST_LENGTH);
}

/** 132 bits: two different filters never share one by chance. */
const FILTER_DIGEST_LENGTH = 22;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function cursorError(message: string): BadRequestException {
  return new BadRequestException(errorBody(400, 'Invalid fields: cursor', [{ field: 'cursor', errors: [message] }]));
}

/**
 * The SQL text of each sort column, selected beside the row so the cursor holds values exactly (a
 * timestamp read into a JS Date would lose its microseconds, and the next page would repeat the row).
 * Dates and timestamps are formatted explicitly: their text otherwise follows the session's DateStyle.
 */
export function selectCursorValues<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  resource: ResourceDefinition,
  order: readonly SortKey[],
  column: (property: string) => string,
): string[] {
  return order.map(({ property }, index) => {
    const alias = `cursor_${index}`;
    query.addSelect(cursorText(resource.filterable[property]?.type, column(property)), alias);
    return alias;
  });
}

function cursorText(type: FilterType | undefined, column: string): string {
  if (type === 'timestamp') return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  if (type === 'date') return `to_char(${column}, 'YYYY-MM-DD')`;
  return `${column}::text`;
}

/**
 * Rows after the cursor's in the order: the first key after its value, or equal and the second after,
 * and so on. NULLs sort as PostgreSQL's default puts them, after every value ascending and before
 * every value descending, so NULL is the greatest value either way.
 */
export function applyCursor<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  order: readonly SortKey[],
  after: CursorValues,
  column: (property: string) => string,
): void {
  const parameters: Record<string, unknown> = {};
  const bind = (value: string) => {
    const name = `cursor_${Object.keys(parameters).length}`;
    parameters[name] = value;
    return `:${name}`;
  };
  const equal = (index: number) => {
    const value = after[index];
    return value === null
      ? `${column(order[index].property)} IS NULL`
      : `${column(order[index].property)} = ${bind(value)}`;
  };
  const beyond = (index: number): string | undefined => {
    const target = column(order[index].property);
    const value = after[index];
    if (order[index].direction === 'ASC')
      return value === null ? undefined : `(${target} > ${bind(value)} OR ${target} IS NULL)`;
    return value === null ? `${target} IS NOT NULL` : `${target} < ${bind(value)}`;
  };
  const alternatives: string[] = [];
  order.forEach((_, index) => {
    const past = beyond(index);
    if (past === undefined) return;
    const prefix = Array.from({ length: index }, (__, earlier) => equal(earlier));
    alternatives.push(`(${[...prefix, past].join(' AND ')})`);
  });
  query.andWhere(alternatives.length === 0 ? 'FALSE' : `(${alternatives.join(' OR ')})`, parameters);
}
