import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildModel } from '../model/build';
import type { EntitySpec } from '../schema/document';
import { databaseState, EMPTY_STATE } from './state';
import { diffStates } from './diff';

const state = (...entities: EntitySpec[]) => databaseState(buildModel({ entities }));
const NOTE: EntitySpec = { name: 'Note', timestamps: false, fields: [{ name: 'body', type: 'text' }] };

describe('migration diffs', () => {
  test('from nothing: types, tables, indexes, then foreign keys; down undoes it in reverse', () => {
    const steps = diffStates(
      EMPTY_STATE,
      state(
        { name: 'Owner', timestamps: false },
        {
          name: 'Pet',
          timestamps: false,
          fields: [{ name: 'kind', type: 'enum', values: ['cat', "o'dog"] }],
          relationships: [{ name: 'owner', type: 'ManyToOne', target: 'Owner' }],
        },
      ),
    );
    assert.deepEqual(steps.unsupported, []);
    assert.deepEqual(
      steps.up.map((sql) => sql.split('\n')[0]),
      [
        `CREATE TYPE "pets_kind_enum" AS ENUM ('cat', 'o''dog')`,
        'CREATE TABLE "owners" (',
        'CREATE TABLE "pets" (',
        'CREATE INDEX "pets_owner_id_idx" ON "pets" ("owner_id")',
        'ALTER TABLE "pets" ADD CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON DELETE NO ACTION',
      ],
    );
    assert.deepEqual(steps.down, [
      'ALTER TABLE "pets" DROP CONSTRAINT "pets_owner_id_fkey"',
      'DROP INDEX "pets_owner_id_idx"',
      'DROP TABLE "pets"',
      'DROP TABLE "owners"',
      'DROP TYPE "pets_kind_enum"',
    ]);
  });

  test('the same state twice needs no migration', () => {
    assert.deepEqual(diffStates(state(NOTE), state(NOTE)), { up: [], down: [], unsupported: [] });
  });

  test('new nullable or defaulted columns are added; a required one without default is refused', () => {
    const added = diffStates(
      state(NOTE),
      state({
        ...NOTE,
        fields: [
          ...NOTE.fields!,
          { name: 'title', type: 'string', nullable: true },
          { name: 'pinned', type: 'boolean', default: false },
        ],
      }),
    );
    assert.deepEqual(added.up, [
      'ALTER TABLE "notes" ADD COLUMN "title" varchar(255)',
      'ALTER TABLE "notes" ADD COLUMN "pinned" boolean NOT NULL DEFAULT false',
    ]);
    const required = diffStates(
      state(NOTE),
      state({ ...NOTE, fields: [...NOTE.fields!, { name: 'title', type: 'string' }] }),
    );
    assert.deepEqual(required.unsupported, [
      'column "notes"."title" is new and required but has no default, so existing rows cannot get a value',
    ]);
  });

  test('a changed index is dropped before it is created again under its name', () => {
    const before = state({ ...NOTE, indexes: [{ name: 'notes_body_idx', fields: ['body'] }] });
    const after = state({ ...NOTE, indexes: [{ name: 'notes_body_idx', fields: ['body'], unique: true }] });
    assert.deepEqual(diffStates(before, after).up, [
      'DROP INDEX "notes_body_idx"',
      'CREATE UNIQUE INDEX "notes_body_idx" ON "notes" ("body")',
    ]);
  });

  test('type changes are refused; drops need allowDrop', () => {
    const longer = diffStates(state(NOTE), state({ ...NOTE, fields: [{ name: 'body', type: 'string' }] }));
    assert.deepEqual(longer.unsupported, [
      'column "notes"."body" changed from "text NOT NULL" to "varchar(255) NOT NULL"',
    ]);
    const withoutNotes = state({ name: 'Other', timestamps: false });
    assert.match(
      diffStates(state(NOTE), withoutNotes).unsupported.join('\n'),
      /table "notes" was removed \(pass --allow-drop/,
    );
    const dropped = diffStates(state(NOTE), withoutNotes, { allowDrop: true });
    assert.deepEqual(dropped.unsupported, []);
    assert.ok(dropped.up.includes('DROP TABLE "notes"'));
  });
});
