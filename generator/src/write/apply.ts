import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Change } from './changes';

export function readText(root: string, path: string): string | null {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes the changes; folders emptied by a deletion are removed too. */
export function applyChanges(root: string, changes: readonly Change[]): void {
  for (const change of changes) {
    const target = join(root, change.path);
    if (change.kind === 'delete') {
      rmSync(target, { force: true });
      removeEmptyParents(root, dirname(target));
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, change.content);
    }
  }
}

function removeEmptyParents(root: string, dir: string): void {
  let current = dir;
  while (current.startsWith(root) && current !== root && readdirSync(current).length === 0) {
    rmdirSync(current);
    current = dirname(current);
  }
}
