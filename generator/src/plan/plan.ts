import { diffStates } from '../database/diff';
import { type DatabaseState, databaseState, EMPTY_STATE } from '../database/state';
import { toMigrations } from '../database/steps';
import type { Model } from '../model/types';
import {
  renderAppModule,
  renderEntitiesList,
  renderMain,
  renderMigrate,
  renderMigrationsList,
  renderModulesList,
} from '../render/nest/app-files';
import { renderControllerBase, renderDto, renderResource, renderServiceBase } from '../render/nest/crud';
import { renderEntity } from '../render/nest/entity';
import { renderUserController, renderUserModule, renderUserService } from '../render/nest/user-files';
import { renderProjectScaffold, type ScaffoldContext } from '../render/project/scaffold';
import { migrationFileName, renderMigration } from '../render/sql/migration';
import { APP_PATHS, entityPaths } from './paths';

/**
 * Who owns a file. `apso`: rewritten on every run, tracked by hash in the manifest.
 * `user`: created once when missing, never touched again (the generation gap; migrations are history).
 */
export type Owner = 'apso' | 'user';

export interface PlannedFile {
  readonly path: string;
  readonly owner: Owner;
  readonly content: string;
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

export interface PlanOptions {
  /** Let the next migration drop tables, columns and enum types the schema no longer has. */
  readonly allowDrop?: boolean;
  /** apso's own files copied into the project (platform runtime, JSON Schema); empty when generating into apso itself. */
  readonly vendoredFiles: ReadonlyMap<string, string>;
  readonly scaffold: ScaffoldContext;
}

export const DATABASE_STATE_PATH = '.apso/database-state.json';

export class UnsupportedChangeError extends Error {
  constructor(readonly changes: readonly string[]) {
    super(
      `the schema change needs a migration apso cannot write safely yet:\n${changes.map((change) => `  - ${change}`).join('\n')}`,
    );
  }
}

export function planFiles(model: Model, previous: PreviousState, options: PlanOptions): PlannedFile[] {
  const files: PlannedFile[] = [];
  const apso = (path: string, content: string) => files.push({ path, owner: 'apso', content });
  const user = (path: string, content: string) => files.push({ path, owner: 'user', content });

  for (const entity of model.entities) {
    const paths = entityPaths(entity);
    apso(paths.entity, renderEntity(entity, model));
    apso(paths.resource, renderResource(entity));
    apso(paths.dto, renderDto(entity));
    apso(paths.serviceBase, renderServiceBase(entity));
    apso(paths.controllerBase, renderControllerBase(entity));
    user(paths.service, renderUserService(entity));
    user(paths.controller, renderUserController(entity));
    user(paths.module, renderUserModule(entity));
  }

  const migrations = planMigrations(model, previous, { allowDrop: options.allowDrop });
  for (const migration of migrations.written) user(migration.path, migration.content);
  apso(APP_PATHS.migrations, renderMigrationsList(migrations.sequences));
  apso(DATABASE_STATE_PATH, `${JSON.stringify(migrations.state, null, 2)}\n`);
  apso(APP_PATHS.entities, renderEntitiesList(model));
  apso(APP_PATHS.modules, renderModulesList(model));
  user(APP_PATHS.appModule, renderAppModule());
  user(APP_PATHS.main, renderMain());
  user(APP_PATHS.migrate, renderMigrate());

  for (const [path, content] of options.vendoredFiles) apso(path, content);
  for (const file of renderProjectScaffold(options.scaffold)) files.push({ ...file, owner: 'user' });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * New migrations when the model's database differs from the state after the newest migration: usually
 * one, more when some steps cannot share a transaction with the others.
 */
export function planMigrations(model: Model, previous: PreviousState, options: { allowDrop?: boolean } = {}) {
  const state = databaseState(model);
  const diff = diffStates(previous.database ?? EMPTY_STATE, state, options);
  if (diff.unsupported.length > 0) throw new UnsupportedChangeError(diff.unsupported);
  const written: { path: string; content: string }[] = [];
  const sequences = [...previous.migrations].sort((a, b) => a - b);
  for (const migration of toMigrations(diff.steps)) {
    const sequence = (sequences.at(-1) ?? 0) + 1;
    sequences.push(sequence);
    written.push({
      path: `${APP_PATHS.migrationsDir}/${migrationFileName(sequence)}`,
      content: renderMigration(sequence, migration),
    });
  }
  return { state, sequences, written };
}
