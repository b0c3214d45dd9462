/** How the importer reports: errors and warnings, each a JSON pointer into the .apsorc and a sentence. */
import { closest } from '../../model/naming';
import { type Diagnostic, pointer as jsonPointer } from '../../validate/diagnostic';

/** A JSON pointer into the .apsorc file (`/entities/2/fields/4/type`; `` is the whole file) and a sentence. */
export type ImportDiagnostic = Diagnostic;

export class Diagnostics {
  readonly errors: ImportDiagnostic[] = [];
  readonly warnings: ImportDiagnostic[] = [];
  error(pointer: string, message: string): void {
    this.errors.push({ pointer, message });
  }
  warn(pointer: string, message: string): void {
    this.warnings.push({ pointer, message });
  }
}

/** Appends escaped segments to a JSON pointer. */
export const ptr = (base: string, ...segments: (string | number)[]): string => base + jsonPointer(...segments);

/** A string quoted for a message. */
export const q = (s: string): string => JSON.stringify(s);

/** A value as a message names it: `null`, `an array`, `the string "abc"`, `the number 4`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${q(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}

/** `; did you mean "x"?` for the nearest candidate, or nothing. */
export const didYouMean = (input: string, candidates: Iterable<string>): string => {
  const hit = closest(input, [...candidates]);
  return hit === undefined ? '' : `; did you mean ${q(hit)}?`;
};
