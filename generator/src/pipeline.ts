import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readDatabaseState } from './database/upgrade';
import { formatFiles } from './format/format';
import { loadSchema } from './load/load';
import { buildModel } from './model/build';
import { kebabCase } from './model/naming';
import type { Model } from './model/types';
import type { PropertyNames } from './schema/document';
import { planFiles } from './plan/plan';
import type { PreviousState } from './render/artifact';
import { PLATFORM_HEADER } from './render/header';
import { APP_PATHS } from './render/layout';
import { VENDORED_JSON_SCHEMA } from './render/project/scaffold';
import { DATABASE_STATE_PATH } from './render/sql/migrations';
import { readMetricCatalogue } from './runtime/metric-catalogue';
import { isPlatformHome, locateRuntime, platformFiles, type RuntimeSource } from './runtime/runtime-source';
import { jsonSchemaSource } from './schema/json-schema';
import { type Diagnostic, SchemaError } from './validate/diagnostic';
import { validateDocument } from './validate/validate';
import { applyChanges, readText } from './write/apply';
import { type ChangeSet, computeChanges } from './write/changes';
import { MANIFEST_PATH, parseManifest, previouslyFormatted } from './write/manifest';

export interface GenerateOptions {
  readonly schemaPath: string;
  readonly outDir: string;
  /** Compute only; report what would change. */
  readonly check?: boolean;
  /** Overwrite or delete owned files that were edited by hand. */
  readonly force?: boolean;
  /** Let the new migration drop what the schema no longer has. */
  readonly allowDrop?: boolean;
  /** For an `.apsorc` input: how its field names become properties (default: as written, as the APSO CLI did). */
  readonly naming?: PropertyNames;
}

export interface GenerateResult {
  readonly model: Model;
  readonly changes: ChangeSet;
  readonly warnings: readonly Diagnostic[];
  /** Folders of user-owned files left behind by entities the schema no longer has. */
  readonly orphanedFolders: readonly string[];
}

/** load → validate → model → plan → render → format → write. Throws SchemaError for a bad schema. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const outDir = resolve(options.outDir);
  const loaded = loadSchema(options.schemaPath, { naming: options.naming });
  const { document, diagnostics } = validateDocument(loaded.document);
  if (!document) throw new SchemaError(options.schemaPath, diagnostics);
  const model = buildModel(document, document.name ?? serviceNameFrom(options.schemaPath));

  const runtime = locateRuntime();
  const planned = planFiles({
    model,
    document,
    previous: readPreviousState(outDir),
    allowDrop: options.allowDrop ?? false,
    vendoredFiles: isPlatformHome(runtime, outDir) ? new Map() : vendoredFiles(runtime),
    dependencies: runtime.dependencies,
    devDependencies: runtime.devDependencies,
    apsoVersion: runtime.apsoVersion,
    metrics: readMetricCatalogue(runtime.platformDir),
  });
  const read = cachedReader(outDir);
  const manifest = parseManifest(read(MANIFEST_PATH));
  const formatted = await formatFiles(planned, (file, hash) =>
    file.owner === 'user' && read(file.path) !== null
      ? file.content // kept as the user has it; its formatting is never needed
      : previouslyFormatted(manifest, file.path, hash, read(file.path)),
  );
  const changes = computeChanges(formatted, manifest, read);
  const blocked = changes.conflicts.length > 0 && !options.force;
  const write = !options.check && !blocked && changes.changes.length > 0;
  if (write) applyChanges(outDir, changes.changes);
  return {
    model,
    changes,
    warnings: loaded.warnings,
    orphanedFolders: orphanedFolders(outDir, changes),
  };
}

/** Every file is read once per run, however many stages look at it. */
function cachedReader(outDir: string): (path: string) => string | null {
  const contents = new Map<string, string | null>();
  return (path) => {
    if (!contents.has(path)) contents.set(path, readText(outDir, path));
    return contents.get(path)!;
  };
}

/** An entity's generated/ folder goes with it; the user-owned files beside it are the user's to delete. */
function orphanedFolders(outDir: string, changes: ChangeSet): string[] {
  const folders = changes.changes
    .filter((change) => change.kind === 'delete')
    .map((change) => /^(src\/modules\/[^/]+)\/generated\//.exec(change.path)?.[1])
    .filter((folder): folder is string => folder !== undefined && existsSync(join(outDir, folder)));
  return [...new Set(folders)].sort();
}

function serviceNameFrom(schemaPath: string): string {
  const stem = basename(schemaPath).replace(/\.(apso\.json|apsorc|json)$/, '');
  const name = kebabCase(stem);
  return name === 'schema' || name === '' ? 'apso-service' : name;
}

function readPreviousState(outDir: string): PreviousState {
  const stateText = readText(outDir, DATABASE_STATE_PATH);
  let migrations: number[] = [];
  try {
    migrations = readdirSync(join(outDir, APP_PATHS.migrationsDir))
      .map((name) => /^(\d{4})-apso-schema\.ts$/.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]));
  } catch {
    migrations = [];
  }
  return { database: stateText === null ? null : readDatabaseState(stateText, DATABASE_STATE_PATH), migrations };
}

/**
 * What a standalone project gets of apso itself: the platform runtime (with an "owned by apso"
 * header) and the JSON Schema its schema.apso.json points at for editor completion.
 */
function vendoredFiles(runtime: RuntimeSource): Map<string, string> {
  const files = new Map<string, string>();
  for (const [path, content] of platformFiles(runtime)) files.set(path, `${PLATFORM_HEADER}\n${content}`);
  files.set(VENDORED_JSON_SCHEMA, jsonSchemaSource());
  return files;
}
