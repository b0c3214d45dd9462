/** Telling an APSO CLI `.apsorc` from apso's own schema file. */
import { parseText } from './parse';
import { APSORC_ONLY_TYPES } from './types';
import { has, isRecord } from './values';

/**
 * Whether a file is an APSO CLI `.apsorc` rather than apso's own schema: by its name, or by
 * shape (top-level relationships with from/to, APSO-only field types or options).
 */
export function looksLikeApsorc(raw: unknown, fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  if (base === '.apsorc' || base.endsWith('.apsorc')) return true;
  const { value } = parseText(raw);
  if (!isRecord(value)) return false;
  if (
    Array.isArray(value.relationships) &&
    value.relationships.some((r) => isRecord(r) && typeof r.from === 'string' && typeof r.to === 'string')
  )
    return true;
  if (['rootFolder', 'apiType', '_removedEntities'].some((k) => has(value, k))) return true;
  if (!Array.isArray(value.entities)) return false;
  return value.entities.some((e) => {
    if (!isRecord(e)) return false;
    if (['created_at', 'updated_at', 'primaryKeyType', 'uniques', 'associations', 'scopeBy'].some((k) => has(e, k)))
      return true;
    return Array.isArray(e.fields) && e.fields.some(hasApsorcShape);
  });
}

/** A field with an APSO-only type or option. */
function hasApsorcShape(f: unknown): boolean {
  return (
    isRecord(f) &&
    ((typeof f.type === 'string' && APSORC_ONLY_TYPES.has(f.type.trim().toLowerCase())) ||
      ['is_email', 'isUnique', 'isIndex', 'primary'].some((k) => has(f, k)))
  );
}
