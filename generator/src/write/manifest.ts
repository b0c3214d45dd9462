import { createHash } from 'node:crypto';

/** `.apso/manifest.json`: the files apso owns and the hash of what it last wrote, to tell hand edits apart. */
export interface Manifest {
  readonly files: Readonly<Record<string, string>>;
}

export const MANIFEST_PATH = '.apso/manifest.json';

export function hashOf(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function renderManifest(files: ReadonlyMap<string, string>): string {
  const sorted = Object.fromEntries([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ files: sorted }, null, 2)}\n`;
}

export function parseManifest(text: string | null): Manifest {
  if (text === null) return { files: {} };
  const parsed = JSON.parse(text) as Partial<Manifest>;
  return { files: parsed.files ?? {} };
}
