import { applyDecorators, BadRequestException } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { errorBody, FieldError } from '../http/error-body';
import { MAX_EMBEDDED_ROWS } from './list-include';
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

/** Longer `fields` or `include` lists are refused before they are split: no entity has that many names. */
const MAX_SHAPE_LENGTH = 2_000;

/** The primary key, which every sparse row keeps so a client can still tell rows apart. */
const PRIMARY_KEY = 'id';

/**
 * Parses `fields` and `include` against the resource's whitelists from the model (`readable`,
 * `relations`). Every problem is answered with one 400 naming the parameter, as list filters are.
 */
export function readShape(resource: ResourceDefinition, query: ReadShapeQuery): ReadShape {
  const fields = SHAPE_PARAMETERS.fields(resource, query.fields);
  const include = SHAPE_PARAMETERS.include(resource, query.include);
  const errors: FieldError[] = [];
  if (typeof fields === 'string') errors.push({ field: 'fields', errors: [fields] });
  if (typeof include === 'string') errors.push({ field: 'include', errors: [include] });
  if (errors.length > 0) {
    const names = errors.map((error) => error.field).join(', ');
    throw new BadRequestException(errorBody(400, `Invalid fields: ${names}`, errors));
  }
  const included = (include as string[] | undefined) ?? [];
  return {
    fields: fields === undefined ? undefined : new Set([PRIMARY_KEY, ...(fields as string[])]),
    include: includableRelations(resource).filter((relation) => included.includes(relation.name)),
  };
}

/** The relations `include=` may name: those whose target's rules admit this resource's readers (resource.ts). */
function includableRelations(resource: ResourceDefinition): IncludableRelation[] {
  return resource.relations.filter((relation) => relation.includable);
}

type ShapeParameter = keyof ReadShapeQuery;

/** Each shape parameter's names, or what is wrong with them. */
const SHAPE_PARAMETERS: Record<
  ShapeParameter,
  (resource: ResourceDefinition, raw: unknown) => string[] | string | undefined
> = {
  fields: (resource, raw) =>
    parseNames(raw, 'fields', resource.readable, (name) => {
      return `${resource.name} has no property ${name} (fields: ${resource.readable.join(', ')})`;
    }),
  include: (resource, raw) => {
    const relationNames = includableRelations(resource).map((relation) => relation.name);
    return parseNames(raw, 'include', relationNames, (name) => {
      const known = relationNames.length > 0 ? relationNames.join(', ') : 'none';
      return `${resource.name} has no relation ${name} to include (relations: ${known})`;
    });
  },
};

/**
 * Validates `fields` or `include` in the validation pipe, so that its problems are reported in the
 * same 400 as those of the other query parameters (a bad filter, sort or limit).
 */
export function IsReadShape(resource: ResourceDefinition, parameter: ShapeParameter): PropertyDecorator {
  const problem = (value: unknown) => {
    const parsed = SHAPE_PARAMETERS[parameter](resource, value);
    return typeof parsed === 'string' ? parsed : undefined;
  };
  return ValidateBy({
    name: 'isReadShape',
    validator: {
      validate: (value) => problem(value) === undefined,
      defaultMessage: (args) => problem(args?.value) ?? `${parameter} is not valid`,
    },
  });
}

/**
 * A comma-separated list of names from `allowed` (`include=project,tags`), or the parameter repeated
 * (`include=project&include=tags`, as many clients serialize an array), or what is wrong with it.
 * Repeated names count once.
 */
function parseNames(
  raw: unknown,
  parameter: string,
  allowed: readonly string[],
  unknown: (name: string) => string,
): string[] | string | undefined {
  if (raw === undefined) return undefined;
  const lists = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(lists) || !lists.every((list) => typeof list === 'string'))
    return `${parameter} must be a comma-separated list, like ${parameter}=a,b`;
  const joined = lists.join(',');
  if (joined.length > MAX_SHAPE_LENGTH) return `${parameter} must be at most ${MAX_SHAPE_LENGTH} characters long`;
  const names = joined.split(',');
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

/**
 * Documents `fields` and `include` on a read operation: comma-separated (form, not exploded) lists
 * of the names the resource allows, as enums built from its whitelists (which a DTO property cannot say).
 */
export function ReadShapeQueries(resource: ResourceDefinition): MethodDecorator {
  const names = (name: ShapeParameter, values: readonly string[], description: string) =>
    ApiQuery({
      name,
      required: false,
      style: 'form',
      explode: false,
      schema: { type: 'array', items: { type: 'string', enum: [...values] } },
      description,
    });
  const decorators = [
    names(
      'fields',
      resource.readable,
      'The properties to answer with, separated by commas (fields=id,title); id is always kept, included relations too.',
    ),
  ];
  const relations = includableRelations(resource).map((relation) => relation.name);
  if (relations.length > 0) {
    decorators.push(
      names(
        'include',
        relations,
        `Related rows to embed, separated by commas (include=${relations[0]}): one level deep; a to-many relation embeds at most ${MAX_EMBEDDED_ROWS} rows per row, the first by id (list the related resource, filtered by this row's key, for the rest).`,
      ),
    );
  }
  return applyDecorators(...decorators);
}
