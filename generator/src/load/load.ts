import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Diagnostic, SchemaError } from '../validate/diagnostic';
import type { PropertyNames } from '../schema/document';
import { importApsorc, looksLikeApsorc } from './apsorc';

export interface LoadedSchema {
  readonly file: string;
  readonly format: 'apso' | 'apsorc';
  /** The document in apso's own format, not yet validated. */
  readonly document: unknown;
  readonly warnings: readonly Diagnostic[];
}

export interface LoadOptions {
  /** For an `.apsorc` only: how field names become properties (the importer's default is `asWritten`). */
  readonly naming?: PropertyNames;
}

/** Reads a schema file; `.apsorc` files (the APSO CLI's format) are converted to apso's format here. */
export function loadSchema(file: string, options: LoadOptions = {}): LoadedSchema {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SchemaError(file, [
      { pointer: '', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
    ]);
  }
  // The APSO CLI accepts comments in .apsorc files, so those go to the importer as text.
  const byName = looksLikeApsorc(undefined, basename(file));
  const raw = byName ? text : parseJson(file, text);
  if (!byName && !looksLikeApsorc(raw, basename(file))) {
    if (options.naming !== undefined) {
      throw new SchemaError(file, [
        {
          pointer: '',
          message: `--naming applies to an .apsorc file; in schema.apso.json set "api": { "propertyNames": "${options.naming}" } instead`,
        },
      ]);
    }
    return { file, format: 'apso', document: raw, warnings: [] };
  }
  const imported = importApsorc(raw, { propertyNames: options.naming });
  if (imported.errors.length > 0) throw new SchemaError(file, imported.errors);
  return { file, format: 'apsorc', document: imported.document, warnings: imported.warnings };
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : '';
    throw new SchemaError(file, [{ pointer: '', message: `not valid JSON${where}: ${message}` }]);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
