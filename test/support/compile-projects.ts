import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TSCONFIG } from '../../generator/src/render/project/scaffold';
import { REPO_ROOT } from './repository';

/**
 * Compiles every generated project in the folders directly under `work` (each with its own `src/`)
 * in one compiler run, with the strict options a standalone project gets; `<outDir>/<folder>/src`
 * then holds each one's JavaScript. One run is far faster than one per project.
 */
export function compileProjects(work: string, outDir: string): { ok: boolean; output: string } {
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { ...TSCONFIG.compilerOptions, rootDir: '.', outDir, sourceMap: false },
      include: ['*/src'],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(work, 'tsconfig.json')],
    { encoding: 'utf8' },
  );
  return { ok: tsc.status === 0, output: `${tsc.stdout}${tsc.stderr}` };
}
