import { diffStates } from '../../database/diff';
import { databaseState, EMPTY_STATE } from '../../database/state';
import { toMigrations } from '../../database/steps';
import type { Model } from '../../model/types';
import { apsoFile, type Artifact, json, type PreviousState, text, userFile } from '../artifact';
import { GENERATED_HEADER } from '../header';
import { ImportSet } from '../imports';
import { APP_PATHS, importPath } from '../layout';
import { migrationClassName, migrationFileName, renderMigration } from './migration';

export const DATABASE_STATE_PATH = '.apso/database-state.json';

export class UnsupportedChangeError extends Error {
  constructor(readonly changes: readonly string[]) {
    super(
      `the schema change needs a migration apso cannot write safely yet:\n${changes.map((change) => `  - ${change}`).join('\n')}`,
    );
  }
}

/**
 * The database side: new migrations (user-owned: history once written) when the schema's database
 * differs from the state after the newest one, the list of all migrations, and that state.
 */
export const MIGRATIONS_ARTIFACT: Artifact = {
  name: 'migrations',
  files: ({ model, previous, allowDrop }) => {
    const migrations = planMigrations(model, previous, { allowDrop });
    return [
      ...migrations.written.map((migration) => userFile(migration.path, text(migration.content))),
      apsoFile(APP_PATHS.migrations, text(renderMigrationsList(migrations.sequences))),
      apsoFile(DATABASE_STATE_PATH, json(migrations.state)),
    ];
  },
};

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

export function renderMigrationsList(sequences: readonly number[]): string {
  const file = APP_PATHS.migrations;
  const imports = new ImportSet(['MIGRATIONS']);
  const names = sequences.map((sequence) =>
    imports.value(
      importPath(file, `${APP_PATHS.migrationsDir}/${migrationFileName(sequence)}`),
      migrationClassName(sequence),
    ),
  );
  return imports.file(
    GENERATED_HEADER,
    `/** Every schema migration, oldest first. */\nexport const MIGRATIONS = [${names.join(', ')}];`,
  );
}
