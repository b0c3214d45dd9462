import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as prettier from 'prettier';
import { PRETTIER_OPTIONS } from '../../generator/src/format/style';
import { filesUnder } from './files';

const PARSERS: Record<string, string> = { '.ts': 'typescript', '.json': 'json' };

/**
 * The files under `root` (TypeScript and JSON, node_modules and `skip` folders aside) that prettier, with apso's options,
 * would print differently. apso formats them with Biome for speed; its promise is prettier's style.
 */
export async function filesPrettierWouldChange(root: string, skip: readonly string[] = []): Promise<string[]> {
  const changed: string[] = [];
  for (const path of filesUnder(root, () => true, new Set(['node_modules', ...skip]))) {
    const parser = PARSERS[path.slice(path.lastIndexOf('.'))];
    if (!parser) continue;
    const content = readFileSync(path, 'utf8');
    if ((await prettier.format(content, { ...PRETTIER_OPTIONS, parser })) !== content)
      changed.push(relative(root, path));
  }
  return changed;
}
