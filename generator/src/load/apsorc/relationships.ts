/** Relationships: where a file declares them (top-level or v1 associations), and each declaration validated. */
import { RELATION_TYPES, type RelationType } from '../../schema/document';
import { camelCase, pascalCase, plural } from '../../model/naming';
import { v1Relationships } from './associations';
import { type Diagnostics, describe, didYouMean, ptr, q } from './diagnostics';
import type { EntityDraft, RawRelationship, RelDecl } from './drafts';
import { TO_MANY } from './edges';
import type { EntityIndex } from './entities';
import { has, IDENTIFIER, isRecord, optionalBoolean, type Rec, sqlName } from './values';

const KNOWN_RELATIONSHIP = new Set([
  'from',
  'to',
  'type',
  'to_name',
  'nullable',
  'bi_directional',
  'cascadeDelete',
  'index',
  'joinTableName',
  'joinColumnName',
  'inverseJoinColumnName',
]);

/** Top-level relationships whenever present; v1 associations only for v1 files without them. */
export function rawRelationships(top: Rec, rawEntities: unknown[], d: Diagnostics): RawRelationship[] {
  const isV1 = top.version === undefined || top.version === 1;
  const hasAssociations = rawEntities.some((e) => isRecord(e) && has(e, 'associations'));
  let rawRelationships: RawRelationship[] = [];
  if (has(top, 'relationships')) {
    if (!Array.isArray(top.relationships)) {
      d.error('/relationships', `"relationships" must be a list, not ${describe(top.relationships)}`);
    } else {
      rawRelationships = top.relationships.map((r, k) => ({ pointer: ptr('', 'relationships', k), raw: r }));
    }
    if (hasAssociations)
      d.warn(
        '/relationships',
        `entity "associations" (version 1) are ignored because the file has a top-level "relationships" list`,
      );
  } else if (isV1) {
    rawRelationships = v1Relationships(rawEntities, d);
  } else if (hasAssociations) {
    d.warn(
      '/version',
      `entity "associations" are a version 1 feature; a version ${String(top.version)} file declares top-level "relationships", so they are ignored`,
    );
  }
  return rawRelationships;
}

function findEntity(
  value: unknown,
  pointer: string,
  role: string,
  { byRawName, byName }: EntityIndex,
  d: Diagnostics,
): EntityDraft | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    d.error(pointer, `the relationship has no ${q(role)} entity; name one of the entities`);
    return undefined;
  }
  const hit = byRawName.get(value) ?? byName.get(pascalCase(value));
  if (!hit) d.error(pointer, `relationship ${role} unknown entity ${q(value)}${didYouMean(value, byRawName.keys())}`);
  return hit;
}

function readType(raw: Rec, at: string, d: Diagnostics): RelationType | undefined {
  let type: RelationType | undefined;
  if (typeof raw.type === 'string') {
    type = RELATION_TYPES.find((t) => t.toLowerCase() === (raw.type as string).trim().toLowerCase());
  }
  if (!type) {
    const said = has(raw, 'type')
      ? `unknown relationship type ${describe(raw.type)}${typeof raw.type === 'string' ? didYouMean(raw.type, RELATION_TYPES) : ''}`
      : `the relationship has no "type"`;
    d.error(at, `${said}; use one of ${RELATION_TYPES.join(', ')}`);
  }
  return type;
}

function readToName(raw: Rec, at: string, d: Diagnostics): string | undefined {
  if (!has(raw, 'to_name') || raw.to_name === null) return undefined;
  const camel = typeof raw.to_name === 'string' ? camelCase(raw.to_name) : '';
  if (!IDENTIFIER.test(camel)) {
    d.error(
      at,
      `to_name ${describe(raw.to_name)} cannot become a property name; use letters and digits, starting with a letter`,
    );
    return undefined;
  }
  return camel;
}

/** `joinTableName` for a ManyToMany; the join column names apso cannot honour. */
function readJoinTable(raw: Rec, pointer: string, type: RelationType | undefined, d: Diagnostics): string | undefined {
  let joinTable: string | undefined;
  if (has(raw, 'joinTableName')) {
    if (type === 'ManyToMany')
      joinTable = sqlName(raw.joinTableName, ptr(pointer, 'joinTableName'), 'joinTableName', d);
    else d.warn(ptr(pointer, 'joinTableName'), `"joinTableName" only applies to ManyToMany relationships; ignored`);
  }
  for (const key of ['joinColumnName', 'inverseJoinColumnName']) {
    if (has(raw, key))
      d.warn(
        ptr(pointer, key),
        `${q(key)} is not supported: apso names join-table columns after the two entities (<entity>_id); ignored`,
      );
  }
  return joinTable;
}

export function readRelationship(r: RawRelationship, entities: EntityIndex, d: Diagnostics): RelDecl | undefined {
  const { pointer, raw } = r;
  if (!isRecord(raw)) {
    d.error(pointer, `a relationship must be an object with "from", "to" and "type", not ${describe(raw)}`);
    return undefined;
  }
  const v1 = pointer.includes('/associations/');
  const at = (key: string): string =>
    v1 ? ptr(pointer, key === 'to' ? 'name' : key === 'to_name' ? 'reference_name' : key) : ptr(pointer, key);
  if (!v1) {
    for (const key of Object.keys(raw)) {
      if (!KNOWN_RELATIONSHIP.has(key))
        d.warn(
          ptr(pointer, key),
          `unknown relationship option ${q(key)} is ignored${didYouMean(key, KNOWN_RELATIONSHIP)}`,
        );
    }
  }
  const from = v1 ? entities.byRawName.get(raw.from as string) : findEntity(raw.from, at('from'), 'from', entities, d);
  const to = findEntity(raw.to, at('to'), 'to', entities, d);
  const type = readType(raw, at('type'), d);
  const toName = readToName(raw, at('to_name'), d);
  const nullable = optionalBoolean(raw, 'nullable', pointer, d);
  const biDirectional = optionalBoolean(raw, 'bi_directional', pointer, d);
  const cascade = optionalBoolean(raw, 'cascadeDelete', pointer, d) === true;
  const index = optionalBoolean(raw, 'index', pointer, d) === true;
  const joinTable = readJoinTable(raw, pointer, type, d);
  if (!from || !to || !type) return undefined;
  if (toName !== undefined && TO_MANY.has(type) && plural(toName) !== toName) {
    d.warn(
      at('to_name'),
      `the property is named ${q(toName)} as written; the APSO CLI pluralised it to ${q(plural(toName))}`,
    );
  }
  if (cascade && type === 'ManyToMany')
    d.warn(ptr(pointer, 'cascadeDelete'), `"cascadeDelete" has no meaning on a ManyToMany relationship; ignored`);
  if (index && type === 'ManyToMany')
    d.warn(ptr(pointer, 'index'), `"index" has no meaning on a ManyToMany relationship; ignored`);
  return {
    pointer,
    from,
    to,
    type,
    toName,
    toNamePointer: at('to_name'),
    nullable,
    biDirectional,
    cascade: cascade && type !== 'ManyToMany',
    index: index && type !== 'ManyToMany',
    joinTable,
    ownsJoin:
      joinTable !== undefined ||
      has(raw, 'joinColumnName') ||
      has(raw, 'inverseJoinColumnName') ||
      r.v1JoinTable === true,
  };
}
