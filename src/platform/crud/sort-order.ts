import { BadRequestException } from '@nestjs/common';
import { ValidateBy } from 'class-validator';
import { errorBody } from '../http/error-body';
import { ResourceDefinition } from './resource';

export type SortDirection = 'ASC' | 'DESC';

/** One key of a list's order. */
export interface SortKey {
  readonly property: string;
  readonly direction: SortDirection;
}

/** The primary key, which every order ends with. */
const PRIMARY_KEY = 'id';

/**
 * `-createdAt,name` -> createdAt DESC, name ASC, id ASC. The order always ends with the primary key,
 * which makes it total: pages neither repeat nor skip rows that share the sort values. Every property
 * must be in the resource's sortable whitelist; a problem is a 400 naming `sort`.
 */
export function sortOrder(resource: ResourceDefinition, sort: string | undefined): SortKey[] {
  const order = parseSort(resource, sort);
  if (typeof order === 'string') {
    throw new BadRequestException(errorBody(400, 'Invalid fields: sort', [{ field: 'sort', errors: [order] }]));
  }
  return order;
}

/**
 * The order `sort` asks for as a cursor records it (see sortSpelling), judged by its spelling alone:
 * its terms, then the primary key unless they name it. For every sort that sortOrder accepts, this
 * is the spelling of the order it returns. Undefined when sort is not text.
 */
export function requestedSortSpelling(sort: unknown): string | undefined {
  if (sort !== undefined && typeof sort !== 'string') return undefined;
  const terms = sort === undefined || sort === '' ? [] : sort.split(',');
  const total = terms.some((term) => term === PRIMARY_KEY || term === `-${PRIMARY_KEY}`);
  return (total ? terms : [...terms, PRIMARY_KEY]).join(',');
}

/** The order `sort` asks for, or what is wrong with it. */
function parseSort(resource: ResourceDefinition, sort: unknown): SortKey[] | string {
  if (sort !== undefined && typeof sort !== 'string') return 'sort must be text';
  const keys: SortKey[] = [];
  for (const term of sort === undefined || sort === '' ? [] : sort.split(',')) {
    const descending = term.startsWith('-');
    const property = descending ? term.slice(1) : term;
    if (property !== PRIMARY_KEY && !resource.sortable.includes(property)) {
      return property === ''
        ? 'sort must be a comma-separated list of properties, each optionally prefixed with -'
        : `${resource.name} cannot be sorted by ${property} (sortable: ${resource.sortable.join(', ')})`;
    }
    if (keys.some((key) => key.property === property)) return `${property} appears twice in sort`;
    keys.push({ property, direction: descending ? 'DESC' : 'ASC' });
  }
  if (!keys.some((key) => key.property === PRIMARY_KEY)) keys.push({ property: PRIMARY_KEY, direction: 'ASC' });
  return keys;
}

/**
 * Validates a list query's `sort` against the resource's sortable whitelist in the validation pipe,
 * so a bad sort is reported together with every other bad parameter.
 */
export function IsSort(resource: ResourceDefinition): PropertyDecorator {
  return ValidateBy({
    name: 'isSort',
    validator: {
      validate: (value) => typeof parseSort(resource, value) !== 'string',
      defaultMessage: (args) => String(parseSort(resource, args?.value)),
    },
  });
}
