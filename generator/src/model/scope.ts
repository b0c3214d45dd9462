import type { AccessSpec, EntitySpec, FieldType, SchemaDocument } from '../schema/document';
import { holdsForeignKey, type RelationSide } from './relations';
import type { ColumnModel, ScopeModel } from './types';

/**
 * Column types a scope can compare with a claim. A claim is a JSON string or number, so the row's
 * value must be one of these for `column = claim` to mean what the schema says.
 */
export const SCOPE_TYPES: ReadonlySet<FieldType> = new Set([
  'uuid',
  'string',
  'email',
  'text',
  'integer',
  'bigint',
  'smallint',
]);

/** A problem with an entity's `scope`, at a JSON pointer below the entity. */
export interface ScopeProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * What is wrong with an entity's `scope`: it needs authentication (the claim comes from a token), a
 * `by` that is a scalar field or a relation holding a foreign key, and no public rule (an anonymous
 * request has no claim to scope by, so a public scoped operation would either leak or always fail).
 */
export function scopeProblems(
  document: Pick<SchemaDocument, 'auth' | 'entities'>,
  entity: EntitySpec,
  sides: readonly RelationSide[],
): ScopeProblem[] {
  const scope = entity.scope;
  if (scope === undefined) return unscopedChildProblems(document, entity, sides);
  if (scope === false) return [];
  const problems: ScopeProblem[] = [];
  if (!document.auth)
    problems.push({
      path: ['scope'],
      message: 'row scoping needs a top-level "auth" (e.g. "auth": { "jwt": {} }): the claim comes from a token',
    });
  const byProblem = scopeByProblem(entity, scope.by, sides);
  if (byProblem) problems.push({ path: ['scope', 'by'], message: byProblem });
  for (const [action, rule] of Object.entries(entity.access ?? {}) as [keyof AccessSpec, unknown][]) {
    if (rule === 'public')
      problems.push({
        path: ['access', action],
        message: `${entity.name} is scoped by ${scope.by}, so ${action} cannot be public: an anonymous request has no ${scope.claim} claim`,
      });
  }
  return problems;
}

/**
 * An entity without a scope whose rows belong to scoped rows (a Comment of a scoped Task) would list
 * every tenant's comments: refused, naming both ways out. `"scope": false` says its rows are shared
 * on purpose.
 */
function unscopedChildProblems(
  document: Pick<SchemaDocument, 'entities'>,
  entity: EntitySpec,
  sides: readonly RelationSide[],
): ScopeProblem[] {
  const problems: ScopeProblem[] = [];
  for (const side of sides) {
    if (side.entity !== entity.name || !holdsForeignKey(side)) continue;
    const parentScope = document.entities.find((candidate) => candidate.name === side.target)?.scope;
    if (!parentScope) continue;
    problems.push({
      path: [],
      message:
        `${entity.name} belongs to ${side.target} (relation ${side.property}), whose rows are scoped by the ${parentScope.claim} claim, ` +
        `but ${entity.name} has no scope, so every caller would see every tenant's rows of it. ` +
        `Scope it too ("scope": { "by": "…", "claim": "${parentScope.claim}" }, by a relation or field holding the same tenant or owner), ` +
        `or set "scope": false if its rows are shared on purpose`,
    });
  }
  return problems;
}

function scopeByProblem(entity: EntitySpec, by: string, sides: readonly RelationSide[]): string | undefined {
  const field = entity.fields?.find((candidate) => candidate.name === by);
  if (field) {
    if (field.hidden || field.writeOnly)
      return `${by} is ${field.hidden ? 'hidden' : 'write-only'}; a scope column must be readable, since the service checks it on every row it loads`;
    return SCOPE_TYPES.has(field.type)
      ? undefined
      : `${by} is a ${field.type} field; a scope compares a claim with a uuid, string, email, text or integer column`;
  }
  const side = sides.find((candidate) => candidate.entity === entity.name && candidate.property === by);
  if (side) {
    return holdsForeignKey(side)
      ? undefined
      : `${by} is a ${side.kind} relation without a foreign key on ${entity.name}; scope by a many-to-one (or owning one-to-one) relation or a field`;
  }
  const names = [
    ...(entity.fields ?? []).map((f) => f.name),
    ...sides.filter((s) => s.entity === entity.name && holdsForeignKey(s)).map((s) => s.property),
  ];
  return `${entity.name} has no field or many-to-one relation ${by}${names.length ? ` (it has: ${names.join(', ')})` : ''}`;
}

/**
 * The entity's row scope as the runtime uses it: the property clients see (a field, or the foreign
 * key of a relation: `organizationId`), the claim, and the type the claim must have. Null when the
 * entity is not scoped. The schema was validated, so `by` names a column.
 */
export function scopeOf(spec: EntitySpec, columns: readonly ColumnModel[]): ScopeModel | null {
  if (!spec.scope) return null;
  const { by, claim } = spec.scope;
  const column = columns.find(
    (candidate) =>
      (candidate.role === 'field' && candidate.property === by) ||
      (candidate.role === 'foreignKey' && candidate.relation === by),
  );
  if (!column) throw new Error(`${spec.name}: scope.by ${by} names no column (the schema should have been refused)`);
  return {
    property: column.property,
    column: column.column,
    claim,
    type:
      column.type === 'uuid' ? 'uuid' : ['integer', 'bigint', 'smallint'].includes(column.type) ? 'integer' : 'string',
    ...(column.role === 'foreignKey' ? { relation: by } : {}),
  };
}
