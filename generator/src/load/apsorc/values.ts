/** Reading raw .apsorc values: objects and keys, optional booleans and whole numbers, PostgreSQL names. */
import { type Diagnostics, describe, ptr, q } from './diagnostics';

export type Rec = Record<string, unknown>;
export const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
export const has = (o: Rec, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;

/** A property name apso can use (camelCase, ASCII). */
export const IDENTIFIER = /^[a-z][A-Za-z0-9]*$/;
export const INTEGER_TEXT = /^[+-]?\d+$/;
const SQL_NAME = /^[a-z_][a-z0-9_]*$/;

export function optionalBoolean(o: Rec, key: string, pointer: string, d: Diagnostics): boolean | undefined {
  if (!has(o, key) || o[key] === null) return undefined;
  const v = o[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') {
    d.warn(ptr(pointer, key), `${q(key)} is the string ${q(v)}; read as the boolean ${v}`);
    return v === 'true';
  }
  d.error(ptr(pointer, key), `${q(key)} must be true or false, not ${describe(v)}`);
  return undefined;
}

export function optionalInteger(
  o: Rec,
  key: string,
  pointer: string,
  d: Diagnostics,
  min: number,
  max: number,
): number | undefined {
  if (!has(o, key) || o[key] === null) return undefined;
  const v = typeof o[key] === 'string' && INTEGER_TEXT.test(o[key] as string) ? Number(o[key]) : o[key];
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  d.error(ptr(pointer, key), `${q(key)} must be a whole number from ${min} to ${max}, not ${describe(o[key])}`);
  return undefined;
}

/** A name for a PostgreSQL object (table, index, join table): kept, or made lowercase snake_case with a warning. */
export function sqlName(value: unknown, pointer: string, what: string, d: Diagnostics): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    d.error(pointer, `${what} must be a non-empty string, not ${describe(value)}`);
    return undefined;
  }
  if (SQL_NAME.test(value) && value.length <= 63) return value;
  const fixed = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+(?=[0-9])/, '');
  if (SQL_NAME.test(fixed) && fixed.length <= 63) {
    d.warn(
      pointer,
      `${what} ${q(value)} is written as ${q(fixed)}: apso names database objects in lowercase snake_case`,
    );
    return fixed;
  }
  d.error(
    pointer,
    `${what} ${q(value)} is not a usable PostgreSQL name; use lowercase letters, digits and underscores, at most 63 characters`,
  );
  return undefined;
}
