import type { PlannedFile } from '../plan/plan';
import { hashOf, type Manifest, MANIFEST_PATH, type OwnedFile, renderManifest } from './manifest';

export type Change =
  | { readonly kind: 'create' | 'update'; readonly path: string; readonly content: string }
  | { readonly kind: 'delete'; readonly path: string };

export interface ChangeSet {
  readonly changes: Change[];
  /** Owned files edited by hand (or written by someone else) that the run would overwrite or delete. */
  readonly conflicts: string[];
  readonly unchanged: number;
  readonly skippedUserFiles: number;
}

/**
 * Decides what to write, compare-only: pure over the plan, the manifest and the current file contents.
 * `read` returns null for a missing file.
 */
export function computeChanges(
  planned: readonly (PlannedFile & { readonly sourceHash?: string })[],
  manifest: Manifest,
  read: (path: string) => string | null,
): ChangeSet {
  const changes: Change[] = [];
  const conflicts: string[] = [];
  let unchanged = 0;
  let skippedUserFiles = 0;
  const owned = new Map<string, OwnedFile>();

  for (const file of planned) {
    const current = read(file.path);
    if (file.owner === 'user') {
      const merged = current === null ? file.content : mergeInto(file, current);
      if (merged === current) skippedUserFiles++;
      else changes.push({ kind: current === null ? 'create' : 'update', path: file.path, content: merged });
      continue;
    }
    owned.set(file.path, { hash: hashOf(file.content), source: file.sourceHash });
    if (current === null) changes.push({ kind: 'create', path: file.path, content: file.content });
    else if (current === file.content) unchanged++;
    else {
      if (manifest.files[file.path] !== hashOf(current)) conflicts.push(file.path);
      changes.push({ kind: 'update', path: file.path, content: file.content });
    }
  }

  for (const [path, hash] of Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (owned.has(path)) continue;
    const current = read(path);
    if (current === null) continue;
    if (hashOf(current) !== hash) conflicts.push(path);
    changes.push({ kind: 'delete', path });
  }

  const manifestText = renderManifest(owned);
  const currentManifest = read(MANIFEST_PATH);
  if (currentManifest !== manifestText) {
    changes.push({ kind: currentManifest === null ? 'create' : 'update', path: MANIFEST_PATH, content: manifestText });
  } else unchanged++;
  return { changes, conflicts, unchanged, skippedUserFiles };
}

/** A user file apso may only add to; a file it cannot read as expected stops the run before anything is written. */
function mergeInto(file: PlannedFile, current: string): string {
  if (!file.merge) return current;
  try {
    return file.merge(current);
  } catch (error) {
    throw new ProjectFileError(file.path, (error as Error).message);
  }
}

/** A file of the user's that apso must extend is not in a shape it can extend. */
export class ProjectFileError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}
