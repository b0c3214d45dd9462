import { BadRequestException } from '@nestjs/common';
import { isISO8601, isUUID, ValidateBy } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { errorBody, FieldError } from '../http/error-body';
import type { DetailedFieldErrors } from '../http/validation';
import { isTimestamp } from '../validation/is-timestamp';
import { idsCondition } from './list-include';
import type { ScopeCondition } from './row-scope';
import { FilterableField, filterableFields, FilterType, RelationIds, ResourceDefinition } from './resource';

/** The operators of `filter[<property>][<operator>]=<value>`. */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'between',
  'contains',
  'icontains',
  'startsWith',
  'istartsWith',
  'null',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** At most this many values in one `in`, `nin` list. */
export const MAX_FILTER_LIST = 100;
/** Longer text values are refused: no column the generator emits compares usefully with more. */
const MAX_FILTER_TEXT = 1_000;

const TEXT_TYPES: ReadonlySet<FilterType> = new Set(['string', 'email', 'text']);
const LIKE_OPERATORS: ReadonlySet<FilterOperator> = new Set(['contains', 'icontains', 'startsWith', 'istartsWith']);
const ORDER_OPERATORS: ReadonlySet<FilterOperator> = new Set(['gt', 'gte', 'lt', 'lte', 'between']);
const LIST_OPERATORS: ReadonlySet<FilterOperator> = new Set(['in', 'nin', 'between']);

export type FilterValue = string | number | boolean;

export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly nodes: readonly FilterNode[] }
  | {
      readonly kind: 'condition';
      readonly property: string;
      readonly operator: FilterOperator;
      readonly values: readonly FilterValue[];
    };

/**
 * Turns the `filter` query parameter, as parseQueryString nests it, into a tree of conditions on
 * the resource's filterable properties, each value checked against its property's type. Every
 * problem is collected and answered with one 400 that names each offending parameter as the client
 * spelled it (`filter[priority][gt]`), so no unknown name or ill-typed value reaches the database.
 */
export function parseFilter(resource: ResourceDefinition, raw: unknown): FilterNode | undefined {
  if (raw === undefined) return undefined;
  const errors: FieldError[] = [];
  const node = parseGroup(resource, raw, 'filter', 'and', errors);
  if (errors.length > 0) {
    const names = errors.map((error) => error.field).join(', ');
    throw new BadRequestException(errorBody(400, `Invalid fields: ${names}`, errors));
  }
  return node;
}

/** What is wrong with a `filter` parameter, one entry per offending parameter; empty when nothing is. */
export function filterErrors(resource: ResourceDefinition, raw: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (raw !== undefined) parseGroup(resource, raw, 'filter', 'and', errors);
  return errors;
}

/**
 * Validates a list query's `filter` in the validation pipe, so that a bad filter is reported in the
 * same 400 as a bad sort, limit or cursor; each offending parameter is named as parseFilter names it.
 */
export function IsFilter(resource: ResourceDefinition): PropertyDecorator {
  const detail: DetailedFieldErrors = { fieldErrors: (value) => filterErrors(resource, value) };
  return ValidateBy(
    {
      name: 'isFilter',
      validator: {
        validate: (value) => filterErrors(resource, value).length === 0,
        defaultMessage: () => 'filter is not valid',
      },
    },
    { context: detail },
  );
}

function parseGroup(
  resource: ResourceDefinition,
  raw: unknown,
  path: string,
  kind: 'and' | 'or',
  errors: FieldError[],
): FilterNode {
  const nodes: FilterNode[] = [];
  if (!isRecord(raw)) {
    errors.push({ field: path, errors: [`${path} must hold conditions, like ${path}[id][eq]=…`] });
    return { kind, nodes };
  }
  for (const [key, value] of Object.entries(raw)) {
    const keyPath = `${path}[${key}]`;
    if (key === 'and' || key === 'or') {
      if (!isRecord(value)) {
        errors.push({ field: keyPath, errors: [`${keyPath} must hold numbered groups, like ${keyPath}[0][id][eq]=…`] });
        continue;
      }
      const groups = Object.entries(value).map(([index, group]) =>
        parseGroup(resource, group, `${keyPath}[${index}]`, 'and', errors),
      );
      nodes.push({ kind: key, nodes: groups });
    } else {
      nodes.push(...parseConditions(resource, key, value, keyPath, errors));
    }
  }
  return { kind, nodes };
}

function parseConditions(
  resource: ResourceDefinition,
  property: string,
  raw: unknown,
  path: string,
  errors: FieldError[],
): FilterNode[] {
  const whitelist = filterableFields(resource);
  const field = whitelist.get(property);
  if (field === undefined) {
    const known = [...whitelist.keys()].join(', ');
    errors.push({ field: path, errors: [`${resource.name} cannot be filtered by ${property} (filterable: ${known})`] });
    return [];
  }
  if (!isRecord(raw)) {
    errors.push({ field: path, errors: [`${path} must name an operator, like ${path}[eq]=…`] });
    return [];
  }
  const conditions: FilterNode[] = [];
  for (const [operator, value] of Object.entries(raw)) {
    const operatorPath = `${path}[${operator}]`;
    const problem = operatorProblem(operator, field);
    if (problem !== undefined) {
      errors.push({ field: operatorPath, errors: [problem] });
      continue;
    }
    const values = parseValues(operator as FilterOperator, field, value);
    if (typeof values === 'string') errors.push({ field: operatorPath, errors: [`${operatorPath} ${values}`] });
    else conditions.push({ kind: 'condition', property, operator: operator as FilterOperator, values });
  }
  return conditions;
}

function operatorProblem(operator: string, field: FilterableField): string | undefined {
  if (!(FILTER_OPERATORS as readonly string[]).includes(operator)) {
    return `unknown operator ${operator} (operators: ${FILTER_OPERATORS.join(', ')})`;
  }
  const op = operator as FilterOperator;
  if (LIKE_OPERATORS.has(op) && !TEXT_TYPES.has(field.type)) return `${operator} applies to text properties only`;
  if (ORDER_OPERATORS.has(op) && field.type === 'boolean') return `${operator} does not apply to a boolean`;
  return undefined;
}

/** The operator's values, parsed by the property's type, or what is wrong with them. */
function parseValues(operator: FilterOperator, field: FilterableField, raw: unknown): FilterValue[] | string {
  if (operator === 'null') {
    if (raw === 'true' || raw === 'false') return [raw === 'true'];
    return 'must be true or false';
  }
  let texts: readonly unknown[];
  if (LIST_OPERATORS.has(operator)) {
    // Repeated keys give each value whole; one value is split at commas.
    texts = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : [raw];
    if (operator === 'between' && texts.length !== 2) return 'must be two values, like 1,5';
    if (texts.length > MAX_FILTER_LIST) return `may hold at most ${MAX_FILTER_LIST} values`;
  } else {
    if (typeof raw !== 'string') return 'must be one value';
    texts = [raw];
  }
  const values: FilterValue[] = [];
  for (const text of texts) {
    if (typeof text !== 'string') return 'must be plain values';
    const value = parseFilterValue(field, text);
    if (value === undefined) return `must be ${describe(field)}`;
    values.push(value);
  }
  return values;
}

const INTEGER = /^-?\d{1,19}$/;
const DECIMAL = /^-?\d{1,100}(\.\d{1,100})?$/;
const FLOAT = /^-?\d{1,308}(\.\d{1,100})?([eE][-+]?\d{1,3})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/;
const INTEGER_RANGES: Partial<Record<FilterType, readonly [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/** The value as the column's type reads it (text for what node-postgres would not hold exactly), or undefined. */
export function parseFilterValue(field: FilterableField, text: string): FilterValue | undefined {
  switch (field.type) {
    case 'string':
    case 'email':
    case 'text':
      return text.length <= MAX_FILTER_TEXT ? text : undefined;
    case 'enum':
      return field.values?.includes(text) ? text : undefined;
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const [min, max] = INTEGER_RANGES[field.type]!;
      if (!INTEGER.test(text) || BigInt(text) < min || BigInt(text) > max) return undefined;
      return field.type === 'bigint' ? text : Number(text);
    }
    case 'decimal':
      return DECIMAL.test(text) ? text : undefined;
    case 'float':
      return FLOAT.test(text) && Number.isFinite(Number(text)) ? Number(text) : undefined;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'date':
      return DATE.test(text) && isISO8601(text, { strict: true }) ? text : undefined;
    case 'time':
      return TIME.test(text) ? text : undefined;
    case 'timestamp':
      return isTimestamp(text) ? text : undefined;
    case 'uuid':
      return isUUID(text) ? text.toLowerCase() : undefined;
  }
}

function describe(field: FilterableField): string {
  switch (field.type) {
    case 'string':
    case 'email':
    case 'text':
      return `text of at most ${MAX_FILTER_TEXT} characters`;
    case 'enum':
      return `one of ${(field.values ?? []).join(', ')}`;
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const [min, max] = INTEGER_RANGES[field.type]!;
      return `a whole number from ${min} to ${max}`;
    }
    case 'decimal':
    case 'float':
      return 'a number like 12.5';
    case 'boolean':
      return 'true or false';
    case 'date':
      return 'a date like 2024-01-31';
    case 'time':
      return 'a time like 09:30:00';
    case 'timestamp':
      return 'an ISO 8601 timestamp with an offset, like 2024-01-31T09:30:00Z';
    case 'uuid':
      return 'a uuid';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `%`, `_` and `\` match literally: a client searching for `50%` means those three characters. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * Adds the filter to a query of `alias`. Column names come from the entity metadata of whitelisted
 * properties and every value is a bound parameter; a property of a many-to-one relation
 * (`project.name`) left-joins that relation once.
 */
export function applyFilter<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  alias: string,
  filter: FilterNode | undefined,
  relationIds: readonly RelationIds[] = [],
  joinScope: (relation: string) => ScopeCondition | undefined = () => undefined,
): void {
  if (filter === undefined) return;
  const idsRelations = new Map(relationIds.map(({ idsProperty, relation }) => [idsProperty, relation]));
  const joined = new Set<string>();
  const parameters: Record<string, unknown> = {};
  const column = (property: string): string => {
    const dot = property.indexOf('.');
    if (dot < 0) return propertyColumn(query, alias, property);
    const relation = property.slice(0, dot);
    const joinAlias = `filter_${relation}`;
    if (!joined.has(relation)) {
      // A target outside the caller's scope joins as absent, as a soft-deleted one does.
      const scope = joinScope(relation);
      if (scope === undefined) query.leftJoin(`${alias}.${relation}`, joinAlias);
      else {
        const target = query.expressionMap.findAliasByName(alias).metadata.findRelationWithPropertyPath(relation)!;
        const scopeColumn = `${query.escape(joinAlias)}.${query.escape(columnOf(target.inverseEntityMetadata, scope.property))}`;
        query.leftJoin(`${alias}.${relation}`, joinAlias, `${scopeColumn} = :scope_${joinAlias}`, {
          [`scope_${joinAlias}`]: scope.value,
        });
      }
      joined.add(relation);
    }
    return propertyColumn(query, joinAlias, property.slice(dot + 1));
  };
  const bind = (value: unknown) => {
    const name = `filter_${Object.keys(parameters).length}`;
    parameters[name] = value;
    return name;
  };
  // A many-to-many id set (`tagIds`) is compared through its join table, never joined into the page.
  const condition = (node: Condition): string => {
    const relation = idsRelations.get(node.property);
    if (relation === undefined) return comparisonSql(node, column(node.property), bind);
    const owner = propertyColumn(query, alias, 'id');
    // Some id of the set meets the condition; ne and nin say that none is that id; null that the set is empty.
    if (node.operator === 'null') return idsCondition(query, alias, relation, owner, node.values[0] !== true);
    const negated = NEGATIONS[node.operator];
    const positive: Condition = negated === undefined ? node : { ...node, operator: negated };
    return idsCondition(query, alias, relation, owner, negated === undefined, (link) =>
      comparisonSql(positive, link, bind),
    );
  };
  const sql = conditionSql(filter, condition);
  if (sql !== undefined) query.andWhere(sql, parameters);
}

/** `"row"."due_at"` for the property dueAt of the query's alias row. */
export function propertyColumn<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  alias: string,
  property: string,
): string {
  return `${query.escape(alias)}.${query.escape(columnName(query, alias, property))}`;
}

function columnName<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, alias: string, property: string): string {
  return columnOf(query.expressionMap.findAliasByName(alias).metadata, property);
}

function columnOf(metadata: EntityMetadata, property: string): string {
  const column = metadata.findColumnWithPropertyPath(property);
  if (column === undefined)
    throw new Error(`The resource definition names ${property}, which ${metadata.targetName} lacks`);
  return column.databaseName;
}

const COMPARISONS: Partial<Record<FilterOperator, string>> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

/** On an id set, `ne` and `nin` hold when no id is equal, or in the list. */
const NEGATIONS: Partial<Record<FilterOperator, FilterOperator>> = { ne: 'eq', nin: 'in' };

type Condition = Extract<FilterNode, { kind: 'condition' }>;

/** SQL for a tree of conditions; undefined for an empty group (which constrains nothing). */
function conditionSql(node: FilterNode, condition: (node: Condition) => string): string | undefined {
  if (node.kind !== 'condition') {
    const parts = node.nodes.map((child) => conditionSql(child, condition)).filter((part) => part !== undefined);
    if (parts.length === 0) return undefined;
    return `(${parts.join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
  }
  return condition(node);
}

/** One condition on the column `target`, its values bound as parameters. */
export function comparisonSql(node: Condition, target: string, bind: (value: unknown) => string): string {
  const [first, second] = node.values;
  const comparison = COMPARISONS[node.operator];
  if (comparison !== undefined) return `${target} ${comparison} :${bind(first)}`;
  switch (node.operator) {
    case 'in':
      return `${target} IN (:...${bind(node.values)})`;
    case 'nin':
      return `${target} NOT IN (:...${bind(node.values)})`;
    case 'between':
      return `${target} BETWEEN :${bind(first)} AND :${bind(second)}`;
    case 'null':
      return first === true ? `${target} IS NULL` : `${target} IS NOT NULL`;
    case 'contains':
    case 'icontains':
      return like(target, node.operator === 'icontains', `%${escapeLike(String(first))}%`, bind);
    default:
      return like(target, node.operator === 'istartsWith', `${escapeLike(String(first))}%`, bind);
  }
}

function like(target: string, caseInsensitive: boolean, pattern: string, bind: (value: unknown) => string): string {
  return `${target} ${caseInsensitive ? 'ILIKE' : 'LIKE'} :${bind(pattern)} ESCAPE '\\'`;
}
