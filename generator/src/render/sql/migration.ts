import { ImportSet, joinBlocks, str } from '../imports';
import type { MigrationSteps } from '../../database/diff';

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
export function renderMigration(sequence: number, steps: MigrationSteps): string {
  const name = migrationClassName(sequence);
  const imports = new ImportSet().addType('typeorm', 'MigrationInterface', 'QueryRunner');
  const body = [
    `/** Schema migration ${sequence}, written by apso from the change in the schema. Safe to edit before it has run anywhere. */`,
    `export class ${name} implements MigrationInterface {`,
    `  name = ${str(name)};`,
    '',
    '  async up(queryRunner: QueryRunner): Promise<void> {',
    ...steps.up.map(statement),
    '  }',
    '',
    '  async down(queryRunner: QueryRunner): Promise<void> {',
    ...steps.down.map(statement),
    '  }',
    '}',
  ].join('\n');
  return joinBlocks(imports.render(), body);
}

function statement(sql: string): string {
  const escaped = sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const indented = escaped.replace(/\n/g, '\n      ');
  return `    await queryRunner.query(\`${indented}\`);`;
}
