import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema migration 2, written by apso from the change in the schema. Safe to edit before it has run anywhere. */
export class ApsoSchema0000000000002 implements MigrationInterface {
  name = 'ApsoSchema0000000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organizations" ADD COLUMN "webhook_secret" varchar(200)`);
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "password_hash" varchar(255)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "password_hash"`);
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "webhook_secret"`);
  }
}
