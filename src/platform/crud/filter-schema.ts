import { ApiQuery, type SchemaObject } from '@nestjs/swagger';
import { FILTER_OPERATORS, FilterOperator, MAX_FILTER_LIST } from './list-filter';
import { FilterableField, filterableFields, FilterType, ResourceDefinition } from './resource';

type JsonSchema = SchemaObject;

/** What each operator does, for the OpenAPI document (docs/api.md has the same table with examples). */
const OPERATOR_MEANINGS: Record<FilterOperator, string> = {
  eq: 'Equal.',
  ne: 'Not equal; a NULL never matches.',
  gt: 'Greater than.',
  gte: 'Greater than or equal.',
  lt: 'Less than.',
  lte: 'Less than or equal.',
  in: `One of a list: values separated by commas, or the key repeated (then each value is whole); at most ${MAX_FILTER_LIST}.`,
  nin: `None of a list, written like in; a NULL never matches. At most ${MAX_FILTER_LIST} values.`,
  between: 'Within an inclusive range: two values separated by a comma (1,5), or the key repeated twice.',
  contains: 'Text contains the value, case-sensitive; % and _ match themselves.',
  icontains: 'Text contains the value, case-insensitive.',
  startsWith: 'Text starts with the value, case-sensitive.',
  istartsWith: 'Text starts with the value, case-insensitive.',
  null: 'true: the property is NULL; false: it is not.',
};

const TEXT_TYPES: ReadonlySet<FilterType> = new Set(['string', 'email', 'text']);
const TEXT_OPERATORS: ReadonlySet<FilterOperator> = new Set(['contains', 'icontains', 'startsWith', 'istartsWith']);
const ORDER_OPERATORS: ReadonlySet<FilterOperator> = new Set(['gt', 'gte', 'lt', 'lte', 'between']);
const LIST_OPERATORS: ReadonlySet<FilterOperator> = new Set(['in', 'nin', 'between']);

/** One value of a property of this type, as parseFilterValue accepts it in a query string. */
function valueSchema(field: FilterableField): JsonSchema {
  switch (field.type) {
    case 'enum':
      return { type: 'string', enum: [...(field.values ?? [])] };
    case 'smallint':
    case 'integer':
      return { type: 'integer' };
    case 'bigint':
      return { type: 'string', pattern: '^-?\\d{1,19}$' };
    case 'decimal':
      return { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' };
    case 'float':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'time':
      return { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,6})?)?$' };
    case 'timestamp':
      return { type: 'string', format: 'date-time' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    default:
      return { type: 'string', maxLength: 1000 };
  }
}

/** The operators a property of this type takes, as filterProblem in list-filter.ts allows them. */
function operatorsOf(field: FilterableField): FilterOperator[] {
  return FILTER_OPERATORS.filter(
    (operator) =>
      !(TEXT_OPERATORS.has(operator) && !TEXT_TYPES.has(field.type)) &&
      !(ORDER_OPERATORS.has(operator) && field.type === 'boolean'),
  );
}

function operatorSchema(operator: FilterOperator, field: FilterableField): JsonSchema {
  const description = OPERATOR_MEANINGS[operator];
  if (operator === 'null') return { type: 'boolean', description };
  if (!LIST_OPERATORS.has(operator)) return { ...valueSchema(field), description };
  // One text split at commas is what a client most often sends; it is also what the server reads.
  return { type: 'string', description };
}

/**
 * The schema of a list's `filter` parameter (deepObject: `filter[<property>][<operator>]=<value>`),
 * built from the resource's filterable whitelist: every property with the operators its type takes,
 * each operator described and its value typed. Anything else is a 400, so none is allowed here
 * (`additionalProperties: false`). `and` and `or` hold numbered groups of the same conditions.
 */
export function filterParameterSchema(resource: ResourceDefinition): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [property, field] of filterableFields(resource)) {
    properties[property] = {
      type: 'object',
      description: `Conditions on ${property}.`,
      properties: Object.fromEntries(operatorsOf(field).map((operator) => [operator, operatorSchema(operator, field)])),
      additionalProperties: false,
    };
  }
  const group = (kind: string) => ({
    type: 'object',
    description: `filter[${kind}][<n>][<property>][<operator>]=<value>: ${kind === 'or' ? 'at least one' : 'every one'} of the numbered groups holds; a group may nest and/or again.`,
    additionalProperties: { type: 'object' },
  });
  return {
    type: 'object',
    properties: { ...properties, and: group('and'), or: group('or') },
    additionalProperties: false,
  };
}

/**
 * Documents a list's `filter` parameter: deepObject style (`filter[status][eq]=done`), so generated
 * clients serialize it so, with the schema filterParameterSchema builds from the resource's whitelist.
 */
export function FilterQuery(resource: ResourceDefinition): MethodDecorator {
  return ApiQuery({
    name: 'filter',
    required: false,
    style: 'deepObject',
    explode: true,
    schema: filterParameterSchema(resource),
    description:
      'Conditions, all of which a row must meet: filter[<property>][<operator>]=<value>, and filter[or][<n>][…] for groups ' +
      'of which one must hold (docs/api.md has an example for every operator). The schema lists each property and the operators it takes.',
  });
}
