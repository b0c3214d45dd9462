import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildModel } from '../model/build';
import type { EntitySpec } from '../schema/document';
import { diffStates, type StateDiff } from './diff';
import { type DatabaseState, databaseState, EMPTY_STATE } from './state';

/** The schema's tables alone: the platform's are state.spec.ts's subject. */
const state = (...entities: EntitySpec[]) => databaseState(buildModel({ entities }), []);
const NOTE: EntitySpec = { name: 'Note', timestamps: false, fields: [{ name: 'body', type: 'text' }] };
const up = (diff: StateDiff) => diff.steps.map((step) => step.up);
/** What a migration's down() runs: each step's reverse, last step first. */
const down = (diff: StateDiff) => [...diff.steps].reverse().map((step) => step.down);

describe('migration diffs', () => {
  test('from nothing: types, tables, indexes, then foreign keys; down undoes it in reverse', () => {
    const diff = diffStates(
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
    assert.deepEqual(diff.unsupported, []);
    assert.deepEqual(
      up(diff).map((sql) => sql.split('\n')[0]),
      [
        `CREATE TYPE "pets_kind_enum" AS ENUM ('cat', 'o''dog')`,
        'CREATE TABLE "owners" (',
        'CREATE TABLE "pets" (',
        'CREATE INDEX "pets_owner_id_idx" ON "pets" ("owner_id")',
        'ALTER TABLE "pets" ADD CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON DELETE NO ACTION',
      ],
    );
    assert.deepEqual(down(diff), [
      'ALTER TABLE "pets" DROP CONSTRAINT "pets_owner_id_fkey"',
      'DROP INDEX "pets_owner_id_idx"',
      'DROP TABLE "pets"',
      'DROP TABLE "owners"',
      'DROP TYPE "pets_kind_enum"',
    ]);
    assert.deepEqual(
      diff.steps.map((step) => [step.lock, step.transactional]),
      [
        ['none', true],
        ['none', true],
        ['none', true],
        ['SHARE', true],
        ['SHARE ROW EXCLUSIVE', true],
      ],
    );
  });

  test('the same state twice needs no migration', () => {
    assert.deepEqual(diffStates(state(NOTE), state(NOTE)), { steps: [], unsupported: [] });
  });

  test('states equal as data need no migration, however their objects were written', () => {
    const indexed: EntitySpec = {
      ...NOTE,
      relationships: [{ name: 'author', type: 'ManyToOne', target: 'Note', onDelete: 'SET NULL' }],
      indexes: [{ name: 'notes_body_idx', fields: ['body'] }],
    };
    const before = state(indexed);
    // Keys in another order, optional fields spelled out as undefined, and a trip through JSON (which drops them).
    const reordered = (record: Record<string, object>) =>
      Object.fromEntries(
        Object.entries(record)
          .reverse()
          .map(([name, item]) => [name, Object.fromEntries(Object.entries({ where: undefined, ...item }).reverse())]),
      );
    const rewritten = JSON.parse(
      JSON.stringify({ ...before, indexes: reordered(before.indexes), foreignKeys: reordered(before.foreignKeys) }),
    ) as DatabaseState;
    const spelledOut: DatabaseState = {
      ...before,
      indexes: reordered(before.indexes) as unknown as DatabaseState['indexes'],
      tables: {
        notes: {
          ...before.tables.notes,
          columns: before.tables.notes.columns.map((c) => ({ default: undefined, identity: undefined, ...c })),
        },
      },
    };
    assert.deepEqual(diffStates(before, rewritten), { steps: [], unsupported: [] });
    assert.deepEqual(diffStates(spelledOut, before), { steps: [], unsupported: [] });
    assert.deepEqual(diffStates(before, spelledOut), { steps: [], unsupported: [] });
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
    assert.deepEqual(up(added), [
      'ALTER TABLE "notes" ADD COLUMN "title" varchar(255)',
      'ALTER TABLE "notes" ADD COLUMN "pinned" boolean NOT NULL DEFAULT false',
    ]);
    assert.deepEqual(
      added.steps.map((step) => step.lock),
      ['ACCESS EXCLUSIVE', 'ACCESS EXCLUSIVE'],
    );
    const required = diffStates(
      state(NOTE),
      state({ ...NOTE, fields: [...NOTE.fields!, { name: 'title', type: 'string' }] }),
    );
    assert.deepEqual(required.unsupported, [
      'column "notes"."title" is new and required but has no default, so existing rows cannot get a value',
    ]);
  });

  test('a new identity column is never null yet needs no default: its sequence fills existing rows', () => {
    const before = state(NOTE);
    const withSequence: DatabaseState = {
      ...before,
      tables: {
        notes: {
          ...before.tables.notes,
          columns: [
            ...before.tables.notes.columns,
            { name: 'number', type: 'integer', nullable: false, identity: 'by default' },
          ],
        },
      },
    };
    const diff = diffStates(before, withSequence);
    assert.deepEqual(diff.unsupported, []);
    assert.deepEqual(up(diff), ['ALTER TABLE "notes" ADD COLUMN "number" integer GENERATED BY DEFAULT AS IDENTITY']);
  });

  test('a changed index is dropped before it is created again under its name', () => {
    const before = state({ ...NOTE, indexes: [{ name: 'notes_body_idx', fields: ['body'] }] });
    const after = state({ ...NOTE, indexes: [{ name: 'notes_body_idx', fields: ['body'], unique: true }] });
    const diff = diffStates(before, after);
    assert.deepEqual(up(diff), [
      'DROP INDEX "notes_body_idx"',
      'CREATE UNIQUE INDEX "notes_body_idx" ON "notes" ("body")',
    ]);
    assert.deepEqual(
      diff.steps.map((step) => step.lock),
      ['ACCESS EXCLUSIVE', 'SHARE'],
    );
  });

  test('indexes and foreign keys compare field by field: predicate, method, columns, actions', () => {
    const before = state({
      ...NOTE,
      relationships: [{ name: 'parent', type: 'ManyToOne', target: 'Note' }],
      indexes: [{ name: 'notes_body_idx', fields: ['body'], where: "body <> ''" }],
    });
    const index = before.indexes.notes_body_idx;
    const foreignKey = before.foreignKeys.notes_parent_id_fkey;
    const changed = (
      indexes: DatabaseState['indexes'],
      foreignKeys: DatabaseState['foreignKeys'] = before.foreignKeys,
    ) => up(diffStates(before, { ...before, indexes: { ...before.indexes, ...indexes }, foreignKeys }));

    assert.deepEqual(changed({ notes_body_idx: { ...index, where: 'body IS NOT NULL' } }), [
      'DROP INDEX "notes_body_idx"',
      'CREATE INDEX "notes_body_idx" ON "notes" ("body") WHERE body IS NOT NULL',
    ]);
    assert.deepEqual(changed({ notes_body_idx: { ...index, method: 'hash' } }), [
      'DROP INDEX "notes_body_idx"',
      `CREATE INDEX "notes_body_idx" ON "notes" USING hash ("body") WHERE body <> ''`,
    ]);
    assert.deepEqual(changed({ notes_body_idx: { ...index, columns: ['body', 'id'] } }), [
      'DROP INDEX "notes_body_idx"',
      `CREATE INDEX "notes_body_idx" ON "notes" ("body", "id") WHERE body <> ''`,
    ]);
    assert.deepEqual(changed({}, { notes_parent_id_fkey: { ...foreignKey, onUpdate: 'CASCADE' } }), [
      'ALTER TABLE "notes" DROP CONSTRAINT "notes_parent_id_fkey"',
      'ALTER TABLE "notes" ADD CONSTRAINT "notes_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "notes" ("id") ON DELETE NO ACTION ON UPDATE CASCADE',
    ]);
  });

  test('a column made required or optional alters NOT NULL alone; down reverses it', () => {
    const optional = state({ ...NOTE, fields: [{ name: 'body', type: 'text', nullable: true }] });
    const required = diffStates(optional, state(NOTE));
    assert.deepEqual(required.unsupported, []);
    assert.deepEqual(up(required), ['ALTER TABLE "notes" ALTER COLUMN "body" SET NOT NULL']);
    assert.deepEqual(down(required), ['ALTER TABLE "notes" ALTER COLUMN "body" DROP NOT NULL']);
    assert.deepEqual(up(diffStates(state(NOTE), optional)), ['ALTER TABLE "notes" ALTER COLUMN "body" DROP NOT NULL']);
    const requiredString = diffStates(optional, state({ ...NOTE, fields: [{ name: 'body', type: 'string' }] }));
    assert.deepEqual(requiredString.unsupported, [
      'column "notes"."body" changed from "text" to "varchar(255) NOT NULL"',
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
    assert.ok(up(dropped).includes('DROP TABLE "notes"'));
    assert.ok(down(dropped).some((sql) => sql.startsWith('CREATE TABLE "notes" (')));
  });

  test('a changed primary key is refused', () => {
    const before = state(NOTE);
    const after: DatabaseState = {
      ...before,
      tables: { notes: { ...before.tables.notes, primaryKey: { name: 'notes_pkey', columns: ['id', 'body'] } } },
    };
    assert.deepEqual(diffStates(before, after).unsupported, [
      'the primary key of "notes" changed from "notes_pkey" (id) to "notes_pkey" (id, body)',
    ]);
  });
});
