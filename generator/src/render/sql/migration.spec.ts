import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MigrationStep } from '../../database/steps';
import { renderMigration } from './migration';

const CREATE_TABLE: MigrationStep = {
  up: 'CREATE TABLE "docs" (\n  "id" uuid NOT NULL\n)',
  down: 'DROP TABLE "docs"',
  transactional: true,
  lock: 'none',
};
const ADD_COLUMN: MigrationStep = {
  up: 'ALTER TABLE "docs" ADD COLUMN "body" text',
  down: 'ALTER TABLE "docs" DROP COLUMN "body"',
  transactional: true,
  lock: 'ACCESS EXCLUSIVE',
};
const CREATE_INDEX_CONCURRENTLY: MigrationStep = {
  up: 'CREATE INDEX CONCURRENTLY "docs_body_idx" ON "docs" ("body")',
  down: 'DROP INDEX CONCURRENTLY "docs_body_idx"',
  transactional: false,
  lock: 'SHARE UPDATE EXCLUSIVE',
};

describe('migration classes', () => {
  test('up runs the steps in order, down runs their reverses last first, in one transaction', () => {
    const source = renderMigration(7, { transactional: true, steps: [CREATE_TABLE, ADD_COLUMN] });
    assert.equal(
      source,
      [
        "import type { MigrationInterface, QueryRunner } from 'typeorm';",
        '',
        '/** Schema migration 7, written by apso from the change in the schema. Safe to edit before it has run anywhere. */',
        'export class ApsoSchema0000000000007 implements MigrationInterface {',
        "  name = 'ApsoSchema0000000000007';",
        '',
        '  async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE TABLE "docs" (',
        '        "id" uuid NOT NULL',
        '      )`);',
        '    await queryRunner.query(`ALTER TABLE "docs" ADD COLUMN "body" text`);',
        '  }',
        '',
        '  async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`ALTER TABLE "docs" DROP COLUMN "body"`);',
        '    await queryRunner.query(`DROP TABLE "docs"`);',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('a migration that cannot run in a transaction tells TypeORM so', () => {
    const source = renderMigration(8, { transactional: false, steps: [CREATE_INDEX_CONCURRENTLY] });
    assert.match(source, /\n {2}name = 'ApsoSchema0000000000008';\n.*\n {2}transaction = false;\n\n {2}async up/);
    assert.match(source, /CREATE INDEX CONCURRENTLY "docs_body_idx"/);
    assert.doesNotMatch(renderMigration(8, { transactional: true, steps: [ADD_COLUMN] }), /transaction =/);
  });
});
