/** Enum values: an enum's `values`, or a text field's, which makes it an enum. */
import { type Diagnostics, describe, ptr, q } from './diagnostics';
import { unquote } from './defaults';
import type { FieldReading } from './drafts';
import { has } from './values';

/**
 * Reads `values` into `spec` (turning a string or text field that lists them into an enum).
 * Returns the values, or `undefined` when the field cannot be kept.
 */
export function readValues(
  { f, pointer, rawName, typeKey, spec }: FieldReading,
  d: Diagnostics,
): { values?: string[] } | undefined {
  const typeAt = ptr(pointer, 'type');
  let values: string[] | undefined;
  if (has(f, 'values')) {
    const valuesAt = ptr(pointer, 'values');
    const stringLike = spec.type === 'string' || spec.type === 'text';
    if (spec.type !== 'enum' && !stringLike) {
      d.warn(valuesAt, `"values" only applies to enum fields; ignored on a ${typeKey} field`);
    } else if (!Array.isArray(f.values) || f.values.length === 0) {
      d.error(valuesAt, `"values" must be a non-empty list of strings`);
      if (spec.type === 'enum') return undefined;
    } else {
      values = readEnumValues(f.values, valuesAt, d);
      if (values && stringLike) {
        d.warn(
          typeAt,
          `${typeKey} field ${q(rawName)} lists values, so it becomes an enum (${values.map(q).join(', ')}); the APSO CLI ignored the list`,
        );
        spec.type = 'enum';
      }
    }
  }
  if (spec.type === 'enum') {
    if (!values) {
      if (!has(f, 'values')) d.error(typeAt, `enum field ${q(rawName)} has no "values"; list the allowed values`);
      return undefined;
    }
    spec.values = values;
  }
  return { values };
}

function readEnumValues(list: unknown[], pointer: string, d: Diagnostics): string[] | undefined {
  const values: string[] = [];
  let ok = true;
  let unquoted = false;
  list.forEach((v, i) => {
    let value: string;
    if (typeof v === 'string') value = v;
    else if (typeof v === 'number' || typeof v === 'boolean') {
      value = String(v);
      d.warn(ptr(pointer, i), `enum value ${String(v)} is written as the text ${q(value)}`);
    } else {
      d.error(ptr(pointer, i), `enum value must be a string, not ${describe(v)}`);
      ok = false;
      return;
    }
    const literal = unquote(value.trim());
    if (literal !== undefined) {
      value = literal;
      unquoted = true;
    }
    if (value === '' || value.length > 63) {
      d.error(ptr(pointer, i), `enum value ${q(value)} must have 1 to 63 characters (a PostgreSQL enum label limit)`);
      ok = false;
      return;
    }
    if (values.includes(value)) {
      d.error(ptr(pointer, i), `enum value ${q(value)} is listed twice`);
      ok = false;
      return;
    }
    values.push(value);
  });
  if (unquoted) d.warn(pointer, `enum values written as SQL literals (${q("'active'")}) are read without their quotes`);
  return ok ? values : undefined;
}
