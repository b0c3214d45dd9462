import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type * as TypeScript from 'typescript';
import { filesUnder, notASpec } from '../../support/files';
import { REPO_ROOT } from '../../support/repository';

/**
 * The platform's tests run against the app the real generator writes for fixture.schema.apso.json:
 * a standalone project, with its own copy of src/platform, exactly as a user gets it.
 *
 * One copy of the platform: specs that need a platform module the app also uses (bootstrap, config,
 * ShutdownState, ...) load it from this compiled project (`loadCompiled('src/platform/...')`), never
 * from src/platform, so Nest's injection tokens and classes are the very objects the app holds.
 *
 * tsx (the test runner's loader) compiles with esbuild, which cannot emit `design:paramtypes`
 * decorator metadata; Nest's constructor injection and ValidationPipe's DTO lookup depend on it.
 * So the project is transpiled with TypeScript itself, with the project's own compiler options (no
 * type check: the golden and standalone tests compile generated code strictly), into dist/, and
 * loaded with require(). The result is keyed by a hash of what it is made from, so spec files share
 * one generation and one build.
 */
const FIXTURE_SCHEMA = join(REPO_ROOT, 'test', 'platform', 'fixture.schema.apso.json');
/**
 * generate() is asynchronous and compiledPath() is not, so the generator runs in a child process
 * (which also keeps its modules out of the spec's); its whole folder is part of the hash.
 */
const PIPELINE = require.resolve('../../../generator/src/pipeline');
const OUT_ROOT = join(REPO_ROOT, 'test', '.tmp', 'platform-fixture');

/** Where a generated project and its build live: the schema it comes from and the folder of its builds. */
interface ProjectSource {
  readonly schema: string;
  readonly root: string;
}

const FIXTURE: ProjectSource = { schema: FIXTURE_SCHEMA, root: OUT_ROOT };

const sourceFiles = (dir: string) => filesUnder(dir, notASpec);

/** Everything the generated and compiled project depends on: a change to any of them builds anew. */
function inputsHash(source: ProjectSource): string {
  const inputs = [
    __filename,
    source.schema,
    ...sourceFiles(dirname(PIPELINE)),
    ...sourceFiles(join(REPO_ROOT, 'src', 'platform')),
  ];
  const hash = createHash('sha256');
  for (const file of inputs)
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function generateProject(schema: string, outDir: string): void {
  const script = `require(${JSON.stringify(PIPELINE)})
    .generate({ schemaPath: ${JSON.stringify(schema)}, outDir: ${JSON.stringify(outDir)} })
    .catch((error) => { console.error(error); process.exitCode = 1; });`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--eval', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`generating the platform fixture failed:\n${result.stdout}${result.stderr}`);
}

function compileProject(projectDir: string, distDir: string): void {
  // Loaded only when a build is needed: it takes a while and most test files reuse the build.
  const ts = require('typescript') as typeof TypeScript;
  const config = ts.readConfigFile(join(projectDir, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, projectDir);
  const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: false, noEmit: false };
  for (const file of sourceFiles(join(projectDir, 'src')).filter((path) => path.endsWith('.ts'))) {
    const target = join(distDir, relative(projectDir, file)).replace(/\.ts$/, '.js');
    // Named relative to the output, so source maps point back at the generated .ts file.
    const fileName = relative(dirname(target), file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
}

/** The fixture's folder: `project/` as generated, `dist/` compiled with the same relative paths. */
function build(source: ProjectSource): string {
  const outDir = join(source.root, inputsHash(source));
  if (existsSync(outDir)) return outDir;
  const staging = `${outDir}.${process.pid}`;
  try {
    generateProject(source.schema, join(staging, 'project'));
    compileProject(join(staging, 'project'), join(staging, 'dist'));
    renameSync(staging, outDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(outDir)) throw error; // else another test process finished the same build first
  }
  removeStaleBuilds(source.root, outDir);
  return outDir;
}

/** Builds of older sources; ones younger than an hour are left alone in case a test still uses them. */
function removeStaleBuilds(root: string, current: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    const stats = statSync(path, { throwIfNoEntry: false }); // another process may be removing it
    if (path !== current && stats && stats.mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
  }
}

let outDir: string | undefined;

/** Absolute path of the compiled JavaScript for a `.ts` path of the generated project (without extension), e.g. `src/main`. */
export function compiledPath(sourcePath: string): string {
  outDir ??= build(FIXTURE);
  return join(outDir, 'dist', `${sourcePath}.js`);
}

/** require()s the compiled module; type it with `typeof import('<the .ts module>')` where there is one in src/platform. */
export function loadCompiled<T>(sourcePath: string): T {
  return require(compiledPath(sourcePath)) as T;
}

/**
 * Generates and compiles the project of another schema (`<name>.schema.apso.json` beside a spec), the
 * same way and with the same reuse; answers the folder whose `dist/src/main.js` and `dist/src/migrate.js` run it.
 */
export function compiledProject(schema: string, name: string): string {
  return build({ schema, root: join(REPO_ROOT, 'test', '.tmp', name) });
}
