import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file below `dir`, in a stable order, that `keep` accepts (by name), leaving out folders
 * named in `skipFolders`. The one tree walk the tests share.
 */
export function filesUnder(
  dir: string,
  keep: (name: string) => boolean = () => true,
  skipFolders: ReadonlySet<string> = new Set(),
): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return skipFolders.has(name) ? [] : filesUnder(path, keep, skipFolders);
      return keep(name) ? [path] : [];
    });
}

/** Source files that are not specs. */
export const notASpec = (name: string) => !name.endsWith('.spec.ts');
