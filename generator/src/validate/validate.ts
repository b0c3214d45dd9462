import type { SchemaDocument } from '../schema/document';
import { type Diagnostic, sortDiagnostics } from './diagnostic';
import { checkSemantics } from './semantics';
import { checkStructure } from './structure';

/** Every problem at once: structure first; references and derived names only once the shape is right. */
export function validateDocument(document: unknown): { document?: SchemaDocument; diagnostics: Diagnostic[] } {
  const structural = checkStructure(document);
  if (structural.length > 0) return { diagnostics: sortDiagnostics(structural) };
  const semantic = checkSemantics(document as SchemaDocument);
  if (semantic.length > 0) return { diagnostics: sortDiagnostics(semantic) };
  return { document: document as SchemaDocument, diagnostics: [] };
}
