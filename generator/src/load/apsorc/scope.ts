/**
 * An entity's `scopeBy` and `scopeOptions` onto apso's row `scope`. The APSO CLI compared a column of
 * the entity (`workspaceId`) with the value of the same name in its auth context, or followed a path
 * through a relation (`task.workspaceId`); apso scopes by one column of the entity itself, bound to the
 * token claim that context value came from (auth.ts). apso's scope never fails open: a token without
 * the claim is refused, every operation is scoped and no role crosses tenants, so each option that
 * loosened the CLI's guard is reported.
 */
import type { ScopeSpec } from '../../schema/document';
import { claimName } from '../../schema/schema';
import { SCOPE_TYPES } from '../../model/scope';
import { camelCase } from '../../model/naming';
import { foreignKeyProperty } from '../../model/relations';
import type { AuthImport, ImportedAuth } from './auth';
import { type Diagnostics, describe, didYouMean, ptr, q } from './diagnostics';
import type { EntityDraft } from './drafts';
import { has, isRecord, optionalBoolean, type Rec } from './values';

/** The CLI guard's operations (its scopeOptions.enforceOn). */
const OPERATIONS = ['find', 'get', 'create', 'update', 'delete'];
const KNOWN_OPTIONS = new Set(['injectOnCreate', 'enforceOn', 'bypassRoles']);

/** Each scoped entity's scope; entities whose scopeBy could not be mapped are reported and left out. */
export function readScopes(entities: EntityDraft[], auth: AuthImport, d: Diagnostics): Map<EntityDraft, ScopeSpec> {
  const scopes = new Map<EntityDraft, ScopeSpec>();
  for (const entity of entities) {
    if (!has(entity.raw, 'scopeBy')) {
      if (has(entity.raw, 'scopeOptions'))
        d.warn(
          ptr(entity.pointer, 'scopeOptions'),
          `"scopeOptions" without "scopeBy" has nothing to configure; ignored`,
        );
      continue;
    }
    const at = ptr(entity.pointer, 'scopeBy');
    if (auth === 'none') {
      d.error(
        at,
        `"scopeBy" needs a top-level "auth": the tenant is read from the caller's token; add "auth" with a token provider or "api-key"`,
      );
      continue;
    }
    // A refused auth was reported; the scope would only add errors that follow from it.
    if (auth === 'refused') continue;
    const scope = readScope(entity, auth, d);
    if (scope) scopes.set(entity, scope);
  }
  return scopes;
}

function readScope(entity: EntityDraft, auth: ImportedAuth, d: Diagnostics): ScopeSpec | undefined {
  const at = ptr(entity.pointer, 'scopeBy');
  const name = scopeName(entity.raw.scopeBy, at, d);
  if (name === undefined) return undefined;
  if (name.includes('.')) {
    const [relation, ...rest] = name.split('.');
    d.error(
      at,
      `${q(name)} scopes ${entity.name} through its relation ${q(relation)}; apso scopes by a column of the entity itself: give ${entity.name} its own ${q(rest[rest.length - 1])} (a field, or a ManyToOne relationship) kept equal to its ${relation}'s, and scope by it`,
    );
    return undefined;
  }
  const by = scopeColumn(entity, name, at, d);
  const claim = scopeClaim(name, auth, at, d);
  if (by === undefined || claim === undefined) return undefined;
  const options = readOptions(entity, name, d);
  if (!options) return undefined;
  d.warn(
    at,
    `${entity.name} is scoped by ${q(by)} = the token's ${q(claim)} claim${auth.apiKey ? ` (each key in AUTH_API_KEYS_FILE must grant ${q(claim)})` : ''}: a caller without the claim gets 403, where the APSO CLI's guard let the request through unscoped, and a create that sends ${q(name)} is refused, since apso takes it from the token`,
  );
  return { by, claim };
}

/** One name: a string, or a list of one (apso scopes by one column). */
function scopeName(value: unknown, at: string, d: Diagnostics): string | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length !== 1) {
    d.error(
      at,
      list.length === 0
        ? `"scopeBy" is an empty list; name the column that holds each row's tenant`
        : `"scopeBy" lists ${list.length} scopes; apso scopes an entity by one column bound to one claim: keep the one that holds the tenant (a row scoped to its tenant is already out of other tenants' reach)`,
    );
    return undefined;
  }
  const name = list[0];
  if (typeof name === 'string' && name.trim() !== '') return name.trim();
  d.error(at, `"scopeBy" must name a field such as "workspaceId", not ${describe(name)}`);
  return undefined;
}

/** The field, or the relation whose foreign key the name is (`workspaceId` → `workspace`). */
function scopeColumn(entity: EntityDraft, name: string, at: string, d: Diagnostics): string | undefined {
  const key = camelCase(name);
  const field = entity.fieldByName.get(name) ?? entity.fieldByName.get(key);
  if (field?.mergedInto) return field.mergedInto.name;
  if (field) {
    if (SCOPE_TYPES.has(field.spec.type)) return field.spec.name;
    d.error(
      at,
      `${entity.name}.${field.rawName} is a ${field.spec.type} field; a scope compares a claim with a uuid, text or integer column`,
    );
    return undefined;
  }
  const slot = entity.slots.find(
    (s) => s.holdsFk && (foreignKeyProperty(s.name) === key || foreignKeyProperty(s.base) === key),
  );
  if (slot) return slot.name;
  const candidates = [
    ...entity.fields.filter((f) => !f.mergedInto).map((f) => f.rawName),
    ...entity.slots.filter((s) => s.holdsFk).map((s) => foreignKeyProperty(s.name)),
  ];
  d.error(
    at,
    `${entity.name} has no field ${q(name)} and no ManyToOne relationship whose foreign key it is${didYouMean(name, candidates)}; add the field, or a ManyToOne relationship to the tenant's entity`,
  );
  return undefined;
}

function scopeClaim(name: string, auth: ImportedAuth, at: string, d: Diagnostics): string | undefined {
  const found = auth.claimOf(name);
  if ('problem' in found) {
    d.error(at, `${q(name)}: ${found.problem}`);
    return undefined;
  }
  if (!claimName.safeParse(found.claim).success) {
    d.error(at, `${q(found.claim)} cannot be a claim name; use letters, digits, _ : / $ -`);
    return undefined;
  }
  if (found.assumed) d.warn(at, `${q(name)}: ${found.assumed}`);
  return found.claim;
}

/** Every option that loosened the CLI's guard is reported: apso's scope is always the strict one. */
function readOptions(entity: EntityDraft, name: string, d: Diagnostics): boolean {
  if (!has(entity.raw, 'scopeOptions')) return true;
  const at = ptr(entity.pointer, 'scopeOptions');
  const options = entity.raw.scopeOptions;
  if (!isRecord(options)) {
    d.error(at, `"scopeOptions" must be an object, not ${describe(options)}`);
    return false;
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key))
      d.warn(ptr(at, key), `unknown scope option ${q(key)} is ignored${didYouMean(key, KNOWN_OPTIONS)}`);
  }
  if (optionalBoolean(options, 'injectOnCreate', at, d) === false)
    d.warn(
      ptr(at, 'injectOnCreate'),
      `"injectOnCreate": false is not kept: apso always sets ${q(name)} from the token on create`,
    );
  return checkEnforceOn(options, at, d) && checkBypassRoles(options, at, d);
}

function checkEnforceOn(options: Rec, at: string, d: Diagnostics): boolean {
  if (!has(options, 'enforceOn')) return true;
  const list = options.enforceOn;
  if (!Array.isArray(list) || list.some((op) => typeof op !== 'string' || !OPERATIONS.includes(op))) {
    d.error(
      ptr(at, 'enforceOn'),
      `"enforceOn" must list operations among ${OPERATIONS.map(q).join(', ')}, not ${describe(list)}`,
    );
    return false;
  }
  const missing = OPERATIONS.filter((op) => !list.includes(op));
  if (missing.length > 0)
    d.warn(
      ptr(at, 'enforceOn'),
      `apso enforces the scope on every operation, which is stricter than "enforceOn": ${missing.map(q).join(', ')} are scoped too`,
    );
  return true;
}

function checkBypassRoles(options: Rec, at: string, d: Diagnostics): boolean {
  if (!has(options, 'bypassRoles')) return true;
  const roles = options.bypassRoles;
  if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string')) {
    d.error(ptr(at, 'bypassRoles'), `"bypassRoles" must be a list of role names, not ${describe(roles)}`);
    return false;
  }
  if (roles.length > 0)
    d.warn(
      ptr(at, 'bypassRoles'),
      `"bypassRoles" (${roles.map(q).join(', ')}) are not honoured: in apso no role reads or writes across tenants; such callers need a token whose claim names the tenant they act on`,
    );
  return true;
}
