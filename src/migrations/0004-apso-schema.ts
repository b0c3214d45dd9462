import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema migration 4, written by apso from the change in the schema. Safe to edit before it has run anywhere. */
export class ApsoSchema0000000000004 implements MigrationInterface {
  name = 'ApsoSchema0000000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "comments" ALTER COLUMN "organization_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "tasks" ALTER COLUMN "organization_id" SET NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ALTER COLUMN "organization_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "comments" ALTER COLUMN "organization_id" DROP NOT NULL`);
  }
}
