import { BadRequestException } from '@nestjs/common';
import { errorBody, FieldError } from '../http/error-body';
import { IncludableRelation, ResourceDefinition } from './resource';

/** What `fields` and `include` ask a read to answer with. */
export interface ReadShape {
  /** The properties to keep (the primary key always is); undefined keeps them all. */
  readonly fields?: ReadonlySet<string>;
  /** The relations to embed, each once, in the order asked. */
  readonly include: readonly IncludableRelation[];
}

/** The query parameters of a read that shape its answer (`?fields=id,title&include=project`). */
export interface ReadShapeQuery {
  readonly fields?: unknown;
  readonly include?: unknown;
}

/** The primary key, which every sparse row keeps so a client can still tell rows apart. */
const PRIMARY_KEY = 'id';

/**
 * Parses `fields` and `include` against the resource's whitelists from the model (`readable`,
 * `relations`). Every problem is answered with one 400 naming the parameter, as list filters are.
 */
export function readShape(resource: ResourceDefinition, query: ReadShapeQuery): ReadShape {
  const errors: FieldError[] = [];
  const fields = parseNames(query.fields, 'fields', resource.readable, (name) => {
    return `${resource.name} has no property ${name} (fields: ${resource.readable.join(', ')})`;
  });
  const relationNames = resource.relations.map((relation) => relation.name);
  const include = parseNames(query.include, 'include', relationNames, (name) => {
    const known = relationNames.length > 0 ? relationNames.join(', ') : 'none';
    return `${resource.name} has no relation ${name} to include (relations: ${known})`;
  });
  for (const [field, parsed] of [
    ['fields', fields],
    ['include', include],
  ] as const) {
    if (typeof parsed === 'string') errors.push({ field, errors: [parsed] });
  }
  if (errors.length > 0) {
    const names = errors.map((error) => error.field).join(', ');
    throw new BadRequestException(errorBody(400, `Invalid fields: ${names}`, errors));
  }
  const included = (include as string[] | undefined) ?? [];
  return {
    fields: fields === undefined ? undefined : new Set([PRIMARY_KEY, ...(fields as string[])]),
    include: resource.relations.filter((relation) => included.includes(relation.name)),
  };
}

/** A comma-separated list of names from `allowed`, or what is wrong with it. Repeated names count once. */
function parseNames(
  raw: unknown,
  parameter: string,
  allowed: readonly string[],
  unknown: (name: string) => string,
): string[] | string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') return `${parameter} must be one comma-separated list, like ${parameter}=a,b`;
  const names = raw.split(',');
  if (names.some((name) => name === '')) return `${parameter} must be a comma-separated list of names`;
  const stranger = names.find((name) => !allowed.includes(name));
  return stranger === undefined ? [...new Set(names)] : unknown(stranger);
}

/**
 * The row with only the asked-for properties and the embedded relations, in the row's own order (so
 * the JSON, and the ETag computed from it, is the same however often it is read).
 */
export function sparseRow(row: object, shape: ReadShape): object {
  if (shape.fields === undefined) return row;
  const keep = new Set([...shape.fields, ...shape.include.map((relation) => relation.name)]);
  return Object.fromEntries(Object.entries(row).filter(([property]) => keep.has(property)));
}
