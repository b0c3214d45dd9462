import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type MigrationStep, toMigrations } from './steps';

const step = (name: string, transactional: boolean): MigrationStep => ({
  up: `up ${name}`,
  down: `down ${name}`,
  transactional,
  lock: transactional ? 'SHARE' : 'SHARE UPDATE EXCLUSIVE',
});

describe('migration steps', () => {
  test('no steps, no migration', () => {
    assert.deepEqual(toMigrations([]), []);
  });

  test('transactional steps share a migration; each one that cannot run in a transaction gets its own, in order', () => {
    const migrations = toMigrations([
      step('a', true),
      step('b', true),
      step('c', false),
      step('d', false),
      step('e', true),
    ]);
    assert.deepEqual(
      migrations.map((migration) => [migration.transactional, migration.steps.map((each) => each.up)]),
      [
        [true, ['up a', 'up b']],
        [false, ['up c']],
        [false, ['up d']],
        [true, ['up e']],
      ],
    );
  });
});
