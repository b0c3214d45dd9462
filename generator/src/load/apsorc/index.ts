/**
 * Reads an APSO CLI `.apsorc` file and turns it into apso's own SchemaDocument.
 *
 * A pure function: no I/O, no console. `errors` say what is wrong with the file itself
 * (all of them at once, each with a JSON pointer into the .apsorc); `warnings` say what was
 * interpreted or dropped on purpose. docs/apsorc.md explains every mapping and trap handled
 * here; keep the two in step.
 *
 * The steps, one file each: parse.ts (text to JSON), top-level.ts, auth.ts, entities.ts (with fields.ts,
 * types.ts, enums.ts, defaults.ts), relationships.ts (with associations.ts for version 1),
 * edges.ts, slot-names.ts, foreign-keys.ts, indexes.ts, scope.ts, and document.ts for the output;
 * drafts.ts holds the working model they share. detect.ts tells an .apsorc from apso's own format.
 */
import type { ApiSpec, PropertyNames, SchemaDocument } from '../../schema/document';
import { readAuth } from './auth';
import { Diagnostics, describe, type ImportDiagnostic } from './diagnostics';
import { entitySpec, relationSpecs } from './document';
import type { RelDecl } from './drafts';
import { buildEdge, groupDeclarations } from './edges';
import { readEntities } from './entities';
import { checkRequiredCycles, mergeForeignKeyFields, resolveNullability } from './foreign-keys';
import { requestIndexes } from './indexes';
import { parseText } from './parse';
import { rawRelationships, readRelationship } from './relationships';
import { readScopes } from './scope';
import { nameSlots } from './slot-names';
import { documentName, readTopLevel } from './top-level';
import { has, isRecord } from './values';

export type { ImportDiagnostic } from './diagnostics';
export { looksLikeApsorc } from './detect';

export interface ApsorcImport {
  document: SchemaDocument;
  errors: ImportDiagnostic[];
  warnings: ImportDiagnostic[];
}

export interface ApsorcImportOptions {
  /**
   * `asWritten` (the default) keeps each field's name as the .apsorc writes it, as the APSO CLI's
   * backend did, so that its clients keep working; `camelCase` is apso's own convention.
   */
  propertyNames?: PropertyNames;
}

/**
 * What an APSO CLI backend accepted and answered: names as chosen, decimals as JSON numbers or
 * strings, and the id and timestamps a client echoes back ignored rather than refused.
 */
function apsoCliApi(propertyNames: PropertyNames): ApiSpec {
  return { propertyNames, decimals: 'stringOrNumber', readOnlyInput: 'ignore' };
}

export function importApsorc(raw: unknown, options: ApsorcImportOptions = {}): ApsorcImport {
  const propertyNames = options.propertyNames ?? 'asWritten';
  const d = new Diagnostics();
  const empty = (): ApsorcImport => ({
    document: { version: 1, entities: [] },
    errors: d.errors,
    warnings: d.warnings,
  });

  const parsed = parseText(raw);
  if (parsed.error !== undefined) {
    d.error('', parsed.error);
    return empty();
  }
  const top = parsed.value;
  if (!isRecord(top)) {
    d.error('', `an .apsorc file must hold a JSON object with an "entities" list, not ${describe(top)}`);
    return empty();
  }
  readTopLevel(top, d);
  const auth = readAuth(top, d);
  if (!Array.isArray(top.entities)) {
    d.error(
      '/entities',
      has(top, 'entities')
        ? `"entities" must be a list of entities, not ${describe(top.entities)}`
        : `the file has no "entities" list`,
    );
    return empty();
  }
  if (top.entities.length === 0) d.error('/entities', `"entities" is empty; declare at least one entity`);

  const index = readEntities(top.entities, propertyNames, d);
  const { entities } = index;
  const decls = rawRelationships(top, top.entities, d)
    .map((r) => readRelationship(r, index, d))
    .filter((r): r is RelDecl => r !== undefined);
  const edges = groupDeclarations(decls).map((g) => buildEdge(g, d));
  nameSlots(entities, d);
  mergeForeignKeyFields(entities, d);
  requestIndexes(entities, edges, d);
  const scopes = readScopes(entities, auth, d);

  const nullability = new Map(edges.map((edge) => [edge, resolveNullability(edge, d)]));
  checkRequiredCycles(
    edges.filter((edge) => nullability.get(edge) === false),
    d,
  );
  const relationsOf = relationSpecs(edges, nullability);
  const specs = entities.map((entity) => {
    const scope = scopes.get(entity);
    return { ...entitySpec(entity, relationsOf.get(entity) ?? []), ...(scope ? { scope } : {}) };
  });

  const name = documentName(top);
  return {
    document: {
      version: 1,
      ...(name !== undefined ? { name } : {}),
      api: apsoCliApi(propertyNames),
      ...(typeof auth === 'object' ? { auth: auth.spec } : {}),
      entities: specs,
    },
    errors: d.errors,
    warnings: d.warnings,
  };
}
