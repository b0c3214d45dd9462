/** One problem in a schema file: where (a JSON pointer into the file as written) and what, in a plain sentence. */
export interface Diagnostic {
  readonly pointer: string;
  readonly message: string;
}

export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  return `${file}: ${diagnostic.pointer || '/'}: ${diagnostic.message}`;
}

export function pointer(...segments: (string | number)[]): string {
  return segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Sorted by pointer then message, so diagnostics read in file order and are stable across runs. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const numericAware = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  return [...diagnostics].sort((a, b) => numericAware(a.pointer, b.pointer) || numericAware(a.message, b.message));
}

/** Raised by a pipeline stage when the input cannot be used; the CLI prints every diagnostic and exits 2. */
export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(`${file}: ${diagnostics.length} problem(s)`);
  }
}
