import { ImportSet, str } from '../imports';
import type { Migration } from '../../database/steps';

/** TypeORM orders migrations by the 13 digits that end the class name; apso numbers them 1, 2, 3… */
export function migrationClassName(sequence: number): string {
  return `ApsoSchema${String(sequence).padStart(13, '0')}`;
}

export function migrationFileName(sequence: number): string {
  return `${String(sequence).padStart(4, '0')}-apso-schema.ts`;
}

/**
 * A migration file. It is written once, when the schema change happens, and then belongs to the
 * project's history: apso never rewrites it, because databases may already have run it.
 */
export function renderMigration(sequence: number, migration: Migration): string {
  const name = migrationClassName(sequence);
  const imports = new ImportSet([name]);
  const queryRunner = imports.type('typeorm', 'QueryRunner');
  const body = [
    `/** Schema migration ${sequence}, written by apso from the change in the schema. Safe to edit before it has run anywhere. */`,
    `export class ${name} implements ${imports.type('typeorm', 'MigrationInterface')} {`,
    `  name = ${str(name)};`,
    ...(migration.transactional
      ? []
      : [
          '  /** PostgreSQL refuses these statements inside a transaction block, so TypeORM runs them without one. */',
          '  transaction = false;',
        ]),
    '',
    `  async up(queryRunner: ${queryRunner}): Promise<void> {`,
    ...migration.steps.map((step) => statement(step.up)),
    '  }',
    '',
    `  async down(queryRunner: ${queryRunner}): Promise<void> {`,
    ...[...migration.steps].reverse().map((step) => statement(step.down)),
    '  }',
    '}',
  ].join('\n');
  return imports.file(undefined, body);
}

function statement(sql: string): string {
  const escaped = sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const indented = escaped.replace(/\n/g, '\n      ');
  return `    await queryRunner.query(\`${indented}\`);`;
}
