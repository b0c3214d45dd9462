import type { DatabaseState } from '../database/state';
import type { Model } from '../model/types';
import type { MetricCatalogue } from '../runtime/metric-catalogue';
import type { SchemaDocument } from '../schema/document';

/*
 * The one contract every output follows. An artifact says which files it contributes for a model,
 * who owns each, and what each holds: TypeScript or Markdown as text, configuration as a plain object
 * that one serializer per format writes late (see serialize.ts). The planner loops over the registered
 * artifacts (artifacts.ts) and knows none of them.
 */

/**
 * Who owns a file. `apso`: rewritten on every run, tracked by hash in the manifest.
 * `user`: created once when missing, never touched again (the generation gap; migrations are history).
 */
export type Owner = 'apso' | 'user';

export type FileContent =
  | { readonly kind: 'text'; readonly text: string }
  /** A plain object or array: strings, numbers, booleans, null, nested; `undefined` properties are left out. */
  | { readonly kind: 'json' | 'yaml'; readonly value: object }
  /**
   * An INI file (pgbouncer.ini): sections of key = value. `comments` open the file, one `;` line
   * each, for what a reader of the file needs beside the values (the pool arithmetic).
   */
  | { readonly kind: 'ini'; readonly value: IniSections; readonly comments: readonly string[] };

/** Sections of an INI file, in order; each maps keys to values in order. */
export type IniSections = Readonly<Record<string, Readonly<Record<string, string | number>>>>;

export interface ArtifactFile {
  /** Relative to the project root, `/`-separated. */
  readonly path: string;
  readonly owner: Owner;
  readonly content: FileContent;
  /** A user file that exists already becomes this (package.json gains what the generated code needs). */
  readonly merge?: (current: string) => string;
}

/** What is already on disk that the plan must respect. */
export interface PreviousState {
  /** The database state after the newest migration, or null when none was written yet. */
  readonly database: DatabaseState | null;
  /** Sequence numbers of the migrations already in the project. */
  readonly migrations: readonly number[];
}

/** Everything an artifact may read. Artifacts never touch the disk; the pipeline gathers this first. */
export interface ArtifactContext {
  readonly model: Model;
  /** The validated schema (converted, for an .apsorc), written into a standalone project. */
  readonly document: SchemaDocument;
  readonly previous: PreviousState;
  /** Let the next migration drop tables, columns and enum types the schema no longer has. */
  readonly allowDrop: boolean;
  /** apso's own files copied into the project (platform runtime, JSON Schema); empty when generating into apso itself. */
  readonly vendoredFiles: ReadonlyMap<string, string>;
  /** Runtime and build dependencies of a standalone project, pinned to the versions apso is tested with. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  /** The project regenerates itself with this version of apso, a dev dependency. */
  readonly apsoVersion: string;
  /** The metrics the platform runtime emits, for dashboards and alerts (see metric-catalogue.ts). */
  readonly metrics: MetricCatalogue;
}

export interface Artifact {
  /** Names the artifact in errors, e.g. when two artifacts claim one path. */
  readonly name: string;
  files(context: ArtifactContext): readonly ArtifactFile[];
}

export const text = (value: string): FileContent => ({ kind: 'text', text: value });
export const json = (value: object): FileContent => ({ kind: 'json', value });
export const yaml = (value: object): FileContent => ({ kind: 'yaml', value });
export const ini = (value: IniSections, comments: readonly string[] = []): FileContent => ({
  kind: 'ini',
  value,
  comments,
});

export const apsoFile = (path: string, content: FileContent): ArtifactFile => ({ path, owner: 'apso', content });
export const userFile = (path: string, content: FileContent): ArtifactFile => ({ path, owner: 'user', content });
