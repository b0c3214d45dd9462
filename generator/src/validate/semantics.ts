import { isSqlDefault, routeOf, tableName } from '../model/build';
import { edgeCycles } from '../model/cycles';
import { poolArithmeticProblems } from '../model/deployment';
import { jobsProblems } from '../model/jobs';
import { scopeProblems } from '../model/scope';
import { bookkeepingProperties, camelCase, closest, kebabCase, snakeCase } from '../model/naming';
import {
  foreignKeyColumn,
  foreignKeyProperty,
  holdsForeignKey,
  idsProperty,
  relationSides,
  type RelationSide,
} from '../model/relations';
import type { EntitySpec, FieldSpec, PropertyNames, SchemaDocument } from '../schema/document';
import { deploymentSchema } from '../schema/schema';
import { DEFAULT_LITERALS } from '../type-map';
import { type Diagnostic, pointer } from './diagnostic';

/**
 * Entity class names that would shadow a JavaScript global the generated code uses. Names that
 * clash with an import (a TypeORM or NestJS decorator) need no entry: the generated files alias them.
 */
const RESERVED_ENTITY_NAMES = new Set([
  'Array',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'JSON',
  'Map',
  'Number',
  'Object',
  'Promise',
  'Record',
  'Set',
  'String',
  'Symbol',
]);

/** Property names that would break a class or its JSON: `constructor` cannot be a field, `toJSON` would hijack responses. */
const RESERVED_PROPERTY_NAMES = new Set([
  'constructor',
  'prototype',
  'toJSON',
  'toString',
  'valueOf',
  'hasOwnProperty',
]);

/** Properties apso adds itself, in either naming; a field or relation may not take these names. */
const BOOKKEEPING = [
  'id',
  ...Object.values(bookkeepingProperties('camelCase')),
  ...Object.values(bookkeepingProperties('asWritten')),
];

const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;

/**
 * Checks what JSON Schema cannot: references between entities, names that would collide
 * once derived (properties, columns, tables, indexes), and option combinations that make no sense.
 * Runs only on a document that passed the structural check.
 */
export function checkSemantics(document: SchemaDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (at: string, message: string) => diagnostics.push({ pointer: at, message });
  const names = document.entities.map((entity) => entity.name);
  const known = new Set(names);

  checkUnique(
    document.entities.map((entity, index) => ({ key: entity.name, at: pointer('entities', index, 'name') })),
    (name) => `entity "${name}" is declared more than once`,
    report,
  );
  document.entities.forEach((entity, index) => {
    if (RESERVED_ENTITY_NAMES.has(entity.name)) {
      report(
        pointer('entities', index, 'name'),
        `"${entity.name}" is reserved (a JavaScript global the generated code uses); choose another name and set "table" to keep the table name`,
      );
    }
  });
  checkUnique(
    document.entities
      .map((entity, index) => ({
        name: entity.name,
        key: kebabCase(entity.name),
        at: pointer('entities', index, 'name'),
      }))
      .filter((item, index, all) => all.findIndex((other) => other.name === item.name) === index),
    (file) => `entity files "${file}" would be shared with another entity whose name differs only in case`,
    report,
  );
  checkUnique(
    document.entities
      .map((entity, index) => ({
        name: entity.name,
        key: (entity.path ?? routeOf(entity.name)).toLowerCase(),
        at: pointer('entities', index, entity.path ? 'path' : 'name'),
      }))
      .filter((item, index, all) => all.findIndex((other) => other.name === item.name) === index),
    (path) =>
      `the route /${path} is used by more than one entity (routes differ by more than case); set "path" to tell them apart`,
    report,
  );
  checkUnique(
    document.entities.map((entity, index) => ({
      key: tableName(entity),
      at: pointer('entities', index, entity.table ? 'table' : 'name'),
    })),
    (table) => `table "${table}" is used by more than one entity; set "table" to tell them apart`,
    report,
  );
  document.entities.forEach((entity, index) => {
    const table = tableName(entity);
    if (table.length > 63) {
      report(
        pointer('entities', index, 'name'),
        `the table name "${table}" is longer than PostgreSQL's 63 characters; set a shorter "table"`,
      );
    }
  });

  const propertyNames = document.api?.propertyNames ?? 'camelCase';
  document.entities.forEach((entity, index) => {
    (entity.fields ?? []).forEach((field, fieldIndex) => {
      const at = pointer('entities', index, 'fields', fieldIndex);
      checkField(field, at, report);
      checkVisibility(entity, field, at, report);
      if (propertyNames === 'camelCase' && !CAMEL_CASE.test(field.name)) {
        report(
          `${at}/name`,
          `"${field.name}" must be camelCase (letters and digits, starting lower-case), e.g. "${camelCase(field.name)}"`,
        );
      }
    });
    (entity.relationships ?? []).forEach((relation, relationIndex) => {
      const at = pointer('entities', index, 'relationships', relationIndex);
      if (!known.has(relation.target)) {
        report(`${at}/target`, withHint(`unknown entity "${relation.target}"`, closest(relation.target, names)));
      }
      if (relation.joinTable && relation.type !== 'ManyToMany')
        report(`${at}/joinTable`, 'only a ManyToMany relationship has a join table');
      if (relation.onDelete && relation.type === 'ManyToMany') {
        report(
          `${at}/onDelete`,
          'a ManyToMany relationship has no foreign key to act on; join rows always go with either side',
        );
      }
      if (relation.onDelete === 'SET NULL' && relation.nullable === false) {
        report(`${at}/onDelete`, '"SET NULL" needs "nullable": true');
      }
    });
  });

  const sides = relationSides(document.entities).filter((side) => known.has(side.entity) && known.has(side.target));
  document.entities.forEach((entity, index) =>
    checkEntityNames(
      entity,
      index,
      sides.filter((side) => side.entity === entity.name),
      propertyNames,
      report,
    ),
  );
  checkRequiredCycles(sides, report);
  if (!document.auth) {
    document.entities.forEach((entity, index) => {
      if (entity.access) {
        report(
          pointer('entities', index, 'access'),
          'access rules need a top-level "auth" (e.g. "auth": { "jwt": {} }): without it every route is public',
        );
      }
    });
  }
  document.entities.forEach((entity, index) => {
    for (const problem of scopeProblems(document, entity, sides))
      report(pointer('entities', index, ...problem.path), problem.message);
  });
  for (const problem of jobsProblems(document)) report(pointer(...problem.path), problem.message);
  for (const problem of poolArithmeticProblems(deploymentSchema.parse(document.deployment ?? {}))) {
    report(pointer('deployment', ...problem.path), problem.message);
  }
  return diagnostics;
}

type Report = (at: string, message: string) => void;

function checkField(field: FieldSpec, at: string, report: Report): void {
  const lengthTypes = ['string', 'email'];
  if (field.length !== undefined && !lengthTypes.includes(field.type))
    report(`${at}/length`, `"length" applies to string and email fields, not ${field.type}`);
  if ((field.precision !== undefined || field.scale !== undefined) && field.type !== 'decimal') {
    report(
      `${at}/${field.precision !== undefined ? 'precision' : 'scale'}`,
      `"precision" and "scale" apply to decimal fields, not ${field.type}`,
    );
  }
  if (field.type === 'decimal' && (field.scale ?? 2) > (field.precision ?? 10)) {
    report(`${at}/scale`, `scale ${field.scale ?? 2} is larger than precision ${field.precision ?? 10}`);
  }
  if (field.type === 'enum' && !field.values) report(at, 'an enum field needs "values"');
  if (field.type !== 'enum' && field.values)
    report(`${at}/values`, `"values" applies to enum fields, not ${field.type}`);
  if (field.default !== undefined) {
    const problem = defaultProblem(field);
    if (problem) report(`${at}/default`, problem);
  }
}

/**
 * `writeOnly` and `hidden` exclude each other (hidden already keeps a field out of every request),
 * and a hidden field must be one a create through the API can leave out: nothing else could set it.
 */
function checkVisibility(entity: EntitySpec, field: FieldSpec, at: string, report: Report): void {
  const where = `${entity.name}.${field.name}`;
  if (field.hidden && field.writeOnly) {
    report(
      `${at}/hidden`,
      `${where} is both "hidden" and "writeOnly"; choose one: writeOnly lets a client set it, hidden keeps it out of every request`,
    );
  } else if (field.hidden && !field.nullable && field.default === undefined) {
    report(
      `${at}/hidden`,
      `${where} is hidden but neither nullable nor with a default, so no create through the API could set it; make it "nullable": true or give it a "default"`,
    );
  }
}

/** A literal default must be a value the column accepts, so it reaches the database exactly as written. */
function defaultProblem(field: FieldSpec): string | undefined {
  const value = field.default;
  if (isSqlDefault(value)) return value.sql.trim() === '' ? 'an SQL default needs an expression' : undefined;
  if (value === null)
    return field.nullable ? undefined : 'null is not a valid default for a field that is not nullable';
  switch (field.type) {
    case 'string':
    case 'email':
    case 'text':
    case 'uuid':
    case 'interval':
      if (typeof value !== 'string') return `must be a string for a ${field.type} field`;
      if (field.type === 'uuid' && !DEFAULT_LITERALS.uuid(value)) return `"${value}" is not a uuid`;
      if (field.length !== undefined && value.length > field.length)
        return `is longer than the field's length ${field.length}`;
      return undefined;
    case 'enum':
      return typeof value === 'string' && field.values?.includes(value)
        ? undefined
        : `${JSON.stringify(value)} is not one of the enum's values (${(field.values ?? []).join(', ')})`;
    case 'integer':
    case 'smallint':
    case 'bigint':
      return Number.isInteger(value) ? undefined : `must be a whole number for a ${field.type} field`;
    case 'decimal':
    case 'float':
      return typeof value === 'number' ? undefined : `must be a number for a ${field.type} field`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false (not a string)';
    case 'date':
      return typeof value === 'string' && DEFAULT_LITERALS.date(value)
        ? undefined
        : 'must be a date like "2024-01-31", or { "sql": "CURRENT_DATE" }';
    case 'time':
      return typeof value === 'string' && DEFAULT_LITERALS.time(value)
        ? undefined
        : 'must be a time like "09:30" or "09:30:00"';
    case 'timestamp':
      return typeof value === 'string' && DEFAULT_LITERALS.timestamp(value)
        ? undefined
        : 'must be an ISO 8601 timestamp, or { "sql": "now()" }';
    case 'json':
    case 'jsonb':
      return undefined;
  }
}

function checkEntityNames(
  entity: EntitySpec,
  index: number,
  sides: RelationSide[],
  propertyNames: PropertyNames,
  report: Report,
): void {
  const own = bookkeepingProperties(propertyNames);
  const at = (...rest: (string | number)[]) => pointer('entities', index, ...rest);
  const properties = new Map<string, string>();
  const columns = new Map<string, string>();
  /** Registers a name; false (and one diagnostic) when it is taken. */
  const claim = (registry: Map<string, string>, name: string, where: string, what: string): boolean => {
    const previous = registry.get(name);
    if (previous === undefined) {
      registry.set(name, where);
      return true;
    }
    report(
      where,
      `${what} "${name}" clashes with ${previous === 'apso' ? 'one apso adds itself' : `the one at ${previous}`}`,
    );
    return false;
  };

  for (const reserved of [...BOOKKEEPING, ...RESERVED_PROPERTY_NAMES]) properties.set(reserved, 'apso');
  for (const reserved of ['id', 'created_at', 'updated_at', 'deleted_at', 'version']) columns.set(reserved, 'apso');
  (entity.fields ?? []).forEach((field, fieldIndex) => {
    const where = at('fields', fieldIndex, 'name');
    if (claim(properties, field.name, where, 'property')) claim(columns, snakeCase(field.name), where, 'column');
  });
  for (const side of sides) {
    const where = side.derived
      ? `${side.declaredAt}/${side.kind === 'ManyToOne' && !side.inverse ? 'target' : 'inverse'}`
      : `${side.declaredAt}/name`;
    claim(properties, side.property, where, side.derived ? `${entity.name} property` : 'relation');
    if (holdsForeignKey(side)) {
      if (claim(properties, foreignKeyProperty(side.property), where, 'foreign-key property')) {
        claim(columns, foreignKeyColumn(side.property), where, 'foreign-key column');
      }
    }
    if (side.kind === 'ManyToMany' && side.owner)
      claim(properties, idsProperty(side.property), where, 'id-list property');
  }

  const indexable = new Set([
    ...(entity.fields ?? []).map((field) => field.name),
    ...sides.filter(holdsForeignKey).map((side) => side.property),
    ...sides.filter(holdsForeignKey).map((side) => foreignKeyProperty(side.property)),
    'id',
    ...(entity.timestamps === false ? [] : [own.createdAt, own.updatedAt]),
    ...(entity.softDelete ? [own.deletedAt] : []),
  ]);
  (entity.indexes ?? []).forEach((spec, indexIndex) => {
    spec.fields.forEach((name, fieldIndex) => {
      if (!indexable.has(name)) {
        report(
          at('indexes', indexIndex, 'fields', fieldIndex),
          withHint(`"${name}" is not a field or foreign-key relation of ${entity.name}`, closest(name, [...indexable])),
        );
      }
    });
  });
}

/** Required foreign keys that form a cycle (a required self-reference included) make every insert impossible. */
function checkRequiredCycles(sides: RelationSide[], report: Report): void {
  const required = sides.filter((side) => holdsForeignKey(side) && !side.nullable);
  for (const cycle of edgeCycles(
    required,
    (side) => side.entity,
    (side) => side.target,
  )) {
    const route = cycle.map((side) => `${side.entity}.${side.property}`).join(' → ');
    report(
      `${cycle[0].declaredAt}/nullable`,
      `required relations form a cycle (${route}), so no row could ever be inserted; make one of them "nullable": true`,
    );
  }
}

function checkUnique(items: { key: string; at: string }[], message: (key: string) => string, report: Report): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.key)) report(item.at, message(item.key));
    seen.add(item.key);
  }
}

function withHint(sentence: string, suggestion?: string): string {
  return suggestion ? `${sentence}; did you mean "${suggestion}"?` : sentence;
}
