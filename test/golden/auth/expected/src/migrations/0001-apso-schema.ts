import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema migration 1, written by apso from the change in the schema. Safe to edit before it has run anywhere. */
export class ApsoSchema0000000000001 implements MigrationInterface {
  name = 'ApsoSchema0000000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "notes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "title" varchar(255) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "deleted_at" timestamptz,
        CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE TABLE "secrets" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "label" varchar(255) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "secrets_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "notes_created_at_idx" ON "notes" ("created_at")`);
    await queryRunner.query(`CREATE INDEX "secrets_created_at_idx" ON "secrets" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "secrets_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "notes_created_at_idx"`);
    await queryRunner.query(`DROP TABLE "secrets"`);
    await queryRunner.query(`DROP TABLE "notes"`);
  }
}
