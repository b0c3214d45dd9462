import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * What a generated project receives of apso's runtime: the platform's source files (copied into its
 * `src/platform/`) and the package versions the platform is tested with.
 *
 * The platform's source of truth is `src/platform/` of apso's own repository, the example backend
 * beside this package. `npm pack` bundles a copy into the package (`platform/`, made by
 * scripts/bundle-platform.mjs), so an installed apso reads that copy; in the repository, where the
 * bundle exists only while packing, apso reads the source itself.
 */
export interface RuntimeSource {
  /** Folder holding the platform's `.ts` files (specs excluded). */
  readonly platformDir: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  /** The version of apso itself, for the project's `apso` dev dependency. */
  readonly apsoVersion: string;
}

/** The apso package's folder (holding package.json, bin/, dist/ or src/). */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/** Written by scripts/bundle-platform.mjs next to the bundled platform files. */
export const BUNDLE_VERSIONS_FILE = 'versions.json';

/** Build tools a project needs besides the runtime: the compiler and Node's types, at apso's versions. */
const PROJECT_DEV_DEPENDENCIES = ['@types/node', '@types/qs', 'typescript'];

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function locateRuntime(packageRoot: string = PACKAGE_ROOT): RuntimeSource {
  const apsoVersion = readJson<PackageJson>(join(packageRoot, 'package.json')).version;
  const bundle = join(packageRoot, 'platform');
  if (existsSync(join(bundle, BUNDLE_VERSIONS_FILE))) {
    const versions = readJson<Pick<RuntimeSource, 'dependencies' | 'devDependencies'>>(
      join(bundle, BUNDLE_VERSIONS_FILE),
    );
    return { platformDir: bundle, ...versions, apsoVersion };
  }
  const repository = resolve(packageRoot, '..');
  const platformDir = join(repository, 'src', 'platform');
  if (!existsSync(platformDir)) {
    throw new Error(
      `apso's runtime platform is missing: neither ${bundle} (an installed apso) nor ${platformDir} (apso's repository) exists; reinstall apso`,
    );
  }
  return { platformDir, ...runtimeVersions(readJson<PackageJson>(join(repository, 'package.json'))), apsoVersion };
}

/** The example backend's dependencies are the platform's; its build tools are filtered to what a project needs. */
export function runtimeVersions(example: PackageJson): Pick<RuntimeSource, 'dependencies' | 'devDependencies'> {
  const devDependencies = Object.fromEntries(
    Object.entries(example.devDependencies ?? {}).filter(([name]) => PROJECT_DEV_DEPENDENCIES.includes(name)),
  );
  return { dependencies: { ...example.dependencies }, devDependencies };
}

/** The platform's files, as project-relative paths under `src/platform/`, in a stable order. */
export function platformFiles(runtime: RuntimeSource): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) {
        const projectPath = `src/platform/${relative(runtime.platformDir, path).split('\\').join('/')}`;
        files.set(projectPath, readFileSync(path, 'utf8'));
      }
    }
  };
  walk(runtime.platformDir);
  return files;
}

/** True when `outDir` is where the platform's source lives: apso's own repository, which must not copy it onto itself. */
export function isPlatformHome(runtime: RuntimeSource, outDir: string): boolean {
  const target = join(outDir, 'src', 'platform');
  return existsSync(target) && realpathSync(target) === realpathSync(runtime.platformDir);
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
