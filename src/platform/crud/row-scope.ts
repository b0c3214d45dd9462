import { BadRequestException } from '@nestjs/common';
import { ApiHideProperty } from '@nestjs/swagger';
import { Allow, isUUID } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ScopeClaimRefusal } from '../auth/auth-failure';
import { Claims, claimAt, currentClaims } from '../auth/principal';
import { errorBody } from '../http/error-body';
import type { ResourceDefinition } from './resource';

/** Binds each row of a resource to a tenant or owner: a caller sees and writes the rows whose `property` equals its `claim`. */
export interface RowScope {
  /** The property clients see: a field, or a relation's foreign key (`organizationId`). */
  readonly property: string;
  /** A claim name, or a dotted path into nested claims. */
  readonly claim: string;
  /** What the claim must be; anything else is refused. */
  readonly type: 'uuid' | 'integer' | 'string';
}

/** A scope with the current caller's value: the condition `property = value` every query of the resource carries. */
export interface ScopeCondition {
  readonly property: string;
  readonly value: string;
}

/** The longest claim value a scope accepts; a tenant or owner id is short, and it ends up in cache keys. */
const MAX_SCOPE_VALUE_LENGTH = 256;
const INTEGER = /^-?\d{1,19}$/;

/**
 * The condition that confines the current caller to its rows of `resource`, or undefined when the
 * resource is not scoped. Fails closed: a token without the claim, or with a value of the wrong type
 * (an array, an object, a number for a uuid column), is a 403, and code running outside a request,
 * where no caller is known, is a programming error rather than a read of every tenant's rows.
 */
export function scopeCondition(resource: {
  readonly name: string;
  readonly scope: RowScope | null;
}): ScopeCondition | undefined {
  const scope = resource.scope;
  if (scope === null) return undefined;
  const claims = currentClaims();
  if (claims === undefined)
    throw new Error(
      `${resource.name} are scoped by the ${scope.claim} claim, and no caller is known here: run this code in a request, or inside runAs(claims, …)`,
    );
  const value = scopeValue(claimAt(claims, scope.claim), scope.type);
  if (value === undefined) {
    const message = `Your token's ${scope.claim} claim is missing or is not a ${scope.type}, and ${resource.name} are scoped by it`;
    throw new ScopeClaimRefusal(errorBody(403, message));
  }
  return { property: scope.property, value };
}

/** The claim as the column compares it (canonical, so cache keys agree), or undefined when it cannot be one. */
function scopeValue(claim: unknown, type: RowScope['type']): string | undefined {
  if (type === 'integer' && typeof claim === 'number') return Number.isSafeInteger(claim) ? String(claim) : undefined;
  if (typeof claim !== 'string' || claim === '' || claim.length > MAX_SCOPE_VALUE_LENGTH) return undefined;
  if (type === 'uuid') return isUUID(claim) ? claim.toLowerCase() : undefined;
  if (type === 'integer') return INTEGER.test(claim) ? BigInt(claim).toString() : undefined;
  return claim;
}

/** Adds `alias.property = value` to a query; the value is a bound parameter. */
export function applyScope<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  alias: string,
  condition: ScopeCondition | undefined,
  column: (property: string) => string,
): void {
  if (condition === undefined) return;
  const parameter = `scope_${alias}`;
  query.andWhere(`${column(condition.property)} = :${parameter}`, { [parameter]: condition.value });
}

/** The scope as a find() `where` adds it. */
export function scopeWhere(condition: ScopeCondition | undefined): Record<string, string> {
  return condition === undefined ? {} : { [condition.property]: condition.value };
}

/** Whether a loaded row lies in the caller's scope (values as the database answers them: uuids in lower case, integers canonical). */
export function inScope(row: ObjectLiteral, condition: ScopeCondition | undefined): boolean {
  return condition === undefined || String(row[condition.property]) === condition.value;
}

/**
 * The caller's scope of the resource a relation leads to (`project` of tasks), or undefined when the
 * relation is unknown or its target not scoped. Relation filters, embedded rows and references in
 * writes all reach another resource's rows; each is confined by that resource's own scope.
 */
export function relatedScope(
  resource: Pick<ResourceDefinition, 'relations'>,
  relation: string,
): ScopeCondition | undefined {
  const target = resource.relations.find((candidate) => candidate.name === relation)?.target();
  return target === undefined ? undefined : scopeCondition(target);
}

/**
 * The scope property in a request body (`organizationId`): allowed through validation, left out of
 * the OpenAPI document, and checked by refuseForeignScope. Clients that send back the row they read,
 * or APSO CLI clients that name their own workspace, keep working; any other value is refused.
 */
export function ScopeInput(): PropertyDecorator {
  const allow = Allow();
  const hide = ApiHideProperty();
  return (target, property) => {
    allow(target, property);
    hide(target, property);
  };
}

/**
 * A 400 when a body names a tenant or owner other than the caller's: the scope column is always
 * written from the token, and a different value is a client's mistake or an attempt to write into
 * another tenant, never silently replaced.
 */
export function refuseForeignScope(input: object, scope: ScopeCondition | undefined): void {
  if (scope === undefined) return;
  const sent = (input as Record<string, unknown>)[scope.property];
  if (sent === undefined) return;
  const spelled = typeof sent === 'string' && isUUID(sent) ? sent.toLowerCase() : sent;
  if ((typeof spelled === 'string' || typeof spelled === 'number') && String(spelled) === scope.value) return;
  const field = scope.property;
  const problem = `is set from your token; leave it out or send your own value`;
  throw new BadRequestException(errorBody(400, `Invalid fields: ${field}`, [{ field, errors: [problem] }]));
}

/**
 * What a cached answer of `resource` depends on besides the URL: the caller's value of each claim the
 * resource or a resource it embeds or filters through is scoped by (`org_id=…`), URI-encoded and in
 * claim order; '' when none is scoped. Undefined when the caller lacks a usable claim: such a request
 * is refused by the handler, and is never looked up nor stored.
 */
export function scopeKey(
  resource: Pick<ResourceDefinition, 'scope' | 'relations'>,
  claims: Claims | undefined,
): string | undefined {
  const scopes = answerScopes(resource);
  if (scopes.length === 0) return '';
  if (claims === undefined) return undefined;
  const parts: string[] = [];
  for (const [name, scope] of scopes) {
    const value = scopeValue(claimAt(claims, scope.claim), scope.type);
    if (value === undefined) return undefined;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return parts.join('&');
}

const answerScopesOf = new WeakMap<object, readonly (readonly [string, RowScope])[]>();

/**
 * The distinct scopes of a resource and of its relations' targets, by `claim type` in code-unit
 * order: worked out on the first cached read (targets are lazy, so not while resource files load),
 * then kept.
 */
function answerScopes(resource: Pick<ResourceDefinition, 'scope' | 'relations'>) {
  let scopes = answerScopesOf.get(resource);
  if (scopes === undefined) {
    const byName = new Map<string, RowScope>();
    for (const scope of [resource.scope, ...resource.relations.map((relation) => relation.target().scope)])
      if (scope !== null) byName.set(`${scope.claim} ${scope.type}`, scope);
    scopes = [...byName].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    answerScopesOf.set(resource, scopes);
  }
  return scopes;
}
