/** Top-level options: the ones apso ignores or does not import yet, and the service name (auth: auth.ts). */
import { type Diagnostics, describe, didYouMean, ptr, q } from './diagnostics';
import { has, type Rec } from './values';

const KNOWN_TOP = new Set([
  'version',
  'rootFolder',
  'apiType',
  'language',
  'entities',
  'relationships',
  'auth',
  'emitEvents',
  'http',
  '_removedEntities',
  'coAuthor',
  'stackId',
  'buildType',
  'serviceId',
  'serviceName',
  '$schema',
]);

export function readTopLevel(top: Rec, d: Diagnostics): void {
  for (const key of Object.keys(top)) {
    if (!KNOWN_TOP.has(key))
      d.warn(ptr('', key), `unknown top-level option ${q(key)} is ignored${didYouMean(key, KNOWN_TOP)}`);
  }
  const lower = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim().toLowerCase() : undefined);
  if (top.emitEvents === true) d.warn('/emitEvents', `"emitEvents" (domain events) is not imported yet; ignored`);
  if (top.http === false)
    d.warn('/http', `"http": false is not imported yet; every entity still gets its REST controller`);
  if (has(top, 'rootFolder') && lower(top.rootFolder) !== 'src')
    d.warn('/rootFolder', `"rootFolder" is ignored; apso always generates into src/`);
  if (has(top, 'apiType') && lower(top.apiType) !== 'rest')
    d.warn('/apiType', `"apiType" ${describe(top.apiType)} is ignored; apso generates a REST API`);
  if (has(top, 'language') && !['typescript', 'ts'].includes(lower(top.language) ?? '')) {
    d.warn('/language', `"language" ${describe(top.language)} is ignored; apso generates TypeScript (NestJS)`);
  }
  if (has(top, 'version') && top.version !== 1 && top.version !== 2) {
    d.warn('/version', `unknown version ${describe(top.version)}; read as version 2`);
  }
}

/** The document's name: `serviceName` as a lowercase slug. */
export function documentName(top: Rec): string | undefined {
  if (typeof top.serviceName !== 'string') return undefined;
  const slug = top.serviceName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  return slug === '' ? undefined : slug;
}
