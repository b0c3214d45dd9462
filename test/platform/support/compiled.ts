import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type * as TypeScript from 'typescript';

/**
 * tsx (the test runner's loader) compiles with esbuild, which cannot emit `design:paramtypes`
 * decorator metadata; Nest's constructor injection and ValidationPipe's DTO lookup depend on it.
 * So the platform and the fixture app are transpiled here with TypeScript itself (the same
 * compiler options as the build, no type check; `npm run typecheck` does that) and loaded with
 * require(). Output is keyed by a hash of the sources, so test files share one build.
 */
const ROOT = join(__dirname, '..', '..', '..');
const SOURCE_DIRS = ['src/platform', 'test/platform/fixture'];
const OUT_ROOT = join(ROOT, 'test', '.tmp', 'platform-build');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
    });
}

function compilerOptions(ts: typeof TypeScript): TypeScript.CompilerOptions {
  const file = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(file.config, ts.sys, ROOT);
  return { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: false, noEmit: false };
}

function build(): string {
  const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
  const hash = createHash('sha256').update(readFileSync(__filename)); // a change here rebuilds too
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  const outDir = join(OUT_ROOT, hash.digest('hex').slice(0, 16));
  if (existsSync(outDir)) return outDir;

  // Loaded only when a build is needed: it takes a while and most test files reuse the build.
  const ts = require('typescript') as typeof TypeScript;
  const staging = `${outDir}.${process.pid}`;
  const options = compilerOptions(ts);
  for (const file of files) {
    const relativePath = relative(ROOT, file);
    // Named relative to where the output will live, so source maps point back at the .ts file.
    const fileName = relative(dirname(join(outDir, relativePath)), file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName });
    const target = join(staging, relativePath).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  try {
    renameSync(staging, outDir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another test process finished the same build first
  }
  removeStaleBuilds(outDir);
  return outDir;
}

/** Builds of older sources; ones younger than an hour are left alone in case a test still uses them. */
function removeStaleBuilds(current: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(OUT_ROOT)) {
    const path = join(OUT_ROOT, name);
    const stats = statSync(path, { throwIfNoEntry: false }); // another process may be removing it
    if (path !== current && stats && stats.mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
  }
}

let outDir: string | undefined;

/** Absolute path of the compiled JavaScript for a repository-relative `.ts` path (without extension). */
export function compiledPath(sourcePath: string): string {
  outDir ??= build();
  return join(outDir, `${sourcePath}.js`);
}

/** require()s the compiled module; type it with `typeof import('<the .ts module>')`. */
export function loadCompiled<T>(sourcePath: string): T {
  return require(compiledPath(sourcePath)) as T;
}
