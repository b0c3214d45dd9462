import { createHash } from 'node:crypto';

/**
 * `.apso/manifest.json`: the files apso owns, the hash of what it last wrote (to tell hand edits apart)
 * and the hash of the unformatted source it came from (so an unchanged file is not formatted again).
 */
export interface Manifest {
  readonly files: Readonly<Record<string, string>>;
  readonly sources: Readonly<Record<string, string>>;
}

export interface OwnedFile {
  readonly hash: string;
  readonly source?: string;
}

export const MANIFEST_PATH = '.apso/manifest.json';

export function hashOf(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function renderManifest(owned: ReadonlyMap<string, OwnedFile>): string {
  const sorted = [...owned.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const files = Object.fromEntries(sorted.map(([path, file]) => [path, file.hash]));
  const sources = Object.fromEntries(
    sorted.filter(([, file]) => file.source !== undefined).map(([path, file]) => [path, file.source]),
  );
  return `${JSON.stringify({ files, sources }, null, 2)}\n`;
}

export function parseManifest(text: string | null): Manifest {
  if (text === null) return { files: {}, sources: {} };
  const parsed = JSON.parse(text) as Partial<Manifest>;
  return { files: parsed.files ?? {}, sources: parsed.sources ?? {} };
}

/**
 * The bytes an owned file already has, when they are what formatting `hash`'s source would give:
 * the manifest recorded that source for the file, and the file is unchanged since it was written.
 */
export function previouslyFormatted(
  manifest: Manifest,
  path: string,
  hash: string,
  current: string | null,
): string | undefined {
  if (current === null || manifest.sources[path] !== hash) return undefined;
  return manifest.files[path] === hashOf(current) ? current : undefined;
}
