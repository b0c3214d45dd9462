import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema migration 3, written by apso from the change in the schema. Safe to edit before it has run anywhere.
 * Edited by hand: the two UPDATEs fill the new tenant columns, so that migration 4 can make them required.
 */
export class ApsoSchema0000000000003 implements MigrationInterface {
  name = 'ApsoSchema0000000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "announcements" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "title" varchar(160) NOT NULL,
        "body" text NOT NULL,
        "published_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "announcements_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`ALTER TABLE "comments" ADD COLUMN "organization_id" uuid`);
    await queryRunner.query(`ALTER TABLE "tasks" ADD COLUMN "organization_id" uuid`);
    // Hand-written: tasks and comments become scoped by their organization, the one of their project.
    await queryRunner.query(
      `UPDATE "tasks" SET "organization_id" = "projects"."organization_id" FROM "projects" WHERE "projects"."id" = "tasks"."project_id"`,
    );
    await queryRunner.query(
      `UPDATE "comments" SET "organization_id" = "tasks"."organization_id" FROM "tasks" WHERE "tasks"."id" = "comments"."task_id"`,
    );
    await queryRunner.query(`CREATE INDEX "announcements_created_at_idx" ON "announcements" ("created_at")`);
    await queryRunner.query(`CREATE INDEX "comments_organization_id_idx" ON "comments" ("organization_id")`);
    await queryRunner.query(`CREATE INDEX "tasks_organization_id_idx" ON "tasks" ("organization_id")`);
    await queryRunner.query(`CREATE INDEX "tasks_organization_id_status_idx" ON "tasks" ("organization_id", "status")`);
    await queryRunner.query(
      `ALTER TABLE "comments" ADD CONSTRAINT "comments_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "tasks" ADD CONSTRAINT "tasks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" DROP CONSTRAINT "tasks_organization_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "comments_organization_id_fkey"`);
    await queryRunner.query(`DROP INDEX "tasks_organization_id_status_idx"`);
    await queryRunner.query(`DROP INDEX "tasks_organization_id_idx"`);
    await queryRunner.query(`DROP INDEX "comments_organization_id_idx"`);
    await queryRunner.query(`DROP INDEX "announcements_created_at_idx"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "organization_id"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP COLUMN "organization_id"`);
    await queryRunner.query(`DROP TABLE "announcements"`);
  }
}
