import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, DatabaseError } from 'pg';
import { DataSource, EntitySchema } from 'typeorm';
import { databaseErrorBody, type WrittenEntity } from './database-error';
import { asQueryFailed, POSTGRES_URL, rejection } from '../../../test/support/pg-errors';

describe('databaseErrorBody names entities and the properties a client sent, never tables', () => {
  // Entity metadata as generated code declares it, and the same tables as real (temporary) ones, so
  // that the errors are PostgreSQL's own; `legacy_notes` is a table no entity maps, as a hand-made one.
  const Organization = new EntitySchema({
    name: 'Organization',
    tableName: 'organizations',
    columns: { id: { type: 'int', primary: true } },
  });
  const Tag = new EntitySchema({ name: 'Tag', tableName: 'tags', columns: { id: { type: 'int', primary: true } } });
  const Project = new EntitySchema<{ id: number; organizationId: number; tags: unknown[] }>({
    name: 'Project',
    tableName: 'projects',
    columns: {
      id: { type: 'int', primary: true },
      organizationId: { name: 'organization_id', type: 'int' },
    },
    relations: {
      tags: {
        type: 'many-to-many',
        target: 'Tag',
        joinTable: {
          name: 'project_tags',
          joinColumn: { name: 'project_id', referencedColumnName: 'id' },
          inverseJoinColumn: { name: 'tag_id', referencedColumnName: 'id' },
        },
      },
    },
  });
  let admin: Client;
  let dataSource: DataSource;
  let writtenProject: WrittenEntity;

  before(async () => {
    admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`
      CREATE TEMP TABLE organizations (id int PRIMARY KEY);
      CREATE TEMP TABLE tags (id int PRIMARY KEY);
      CREATE TEMP TABLE projects (id int PRIMARY KEY, organization_id int NOT NULL REFERENCES organizations (id));
      CREATE TEMP TABLE project_tags (
        project_id int REFERENCES projects (id), tag_id int REFERENCES tags (id), PRIMARY KEY (project_id, tag_id));
      CREATE TEMP TABLE legacy_notes (organization_id int REFERENCES organizations (id));
      INSERT INTO organizations VALUES (1), (2);
      INSERT INTO tags VALUES (7);
      INSERT INTO projects VALUES (1, 1);
      INSERT INTO project_tags VALUES (1, 7);
      INSERT INTO legacy_notes VALUES (2);`);
    dataSource = new DataSource({ type: 'postgres', entities: [Organization, Tag, Project] });
    // The metadata alone: no connection is needed to map names.
    await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    writtenProject = {
      entity: dataSource.getMetadata('Project'),
      relationIds: [{ idsProperty: 'tagIds', relation: 'tags' }],
    };
  });

  after(async () => {
    await admin?.end();
  });

  async function bodyOf(sql: string, written?: WrittenEntity) {
    const error = await rejection(admin.query(sql));
    assert.ok(error instanceof DatabaseError, String(error));
    return databaseErrorBody(asQueryFailed(error), dataSource, written);
  }

  test('an id in tagIds that is not a tag: 409 on tagIds, in the message and the fields', async () => {
    const body = await bodyOf('INSERT INTO project_tags VALUES (1, 999)', writtenProject);
    assert.deepEqual(body, {
      type: 'https://apso.dev/problems/missing-reference',
      title: 'A reference points to a missing record',
      status: 409,
      detail: 'tagIds refers to a missing Tag',
      statusCode: 409,
      error: 'Conflict',
      message: 'tagIds refers to a missing Tag',
      fields: [{ field: 'tagIds', errors: ['refers to a missing Tag'] }],
    });
  });

  test('the same id twice in the join table: 409 on tagIds, named once, with no join table name', async () => {
    const body = await bodyOf('INSERT INTO project_tags VALUES (1, 7)', writtenProject);
    assert.deepEqual(body, {
      type: 'https://apso.dev/problems/already-exists',
      title: 'A unique value is already taken',
      status: 409,
      detail: 'Project with this tagIds already exists',
      statusCode: 409,
      error: 'Conflict',
      message: 'Project with this tagIds already exists',
      fields: [{ field: 'tagIds', errors: ['must be unique'] }],
    });
  });

  test('a write not made for the owning entity names the relation, still not the table', async () => {
    const body = await bodyOf('INSERT INTO project_tags VALUES (1, 999)');
    assert.equal(body?.message, 'tags refers to a missing Tag');
  });

  test('deleting a row a join table still references names the owning entity', async () => {
    const body = await bodyOf('DELETE FROM tags WHERE id = 7');
    assert.deepEqual(body, {
      type: 'https://apso.dev/problems/still-referenced',
      title: 'The record is still referenced by others',
      status: 409,
      detail: 'Tag is still referenced by Project',
      statusCode: 409,
      error: 'Conflict',
      message: 'Tag is still referenced by Project',
    });
  });

  test('deleting a row another entity references names both entities', async () => {
    const body = await bodyOf('DELETE FROM organizations WHERE id = 1');
    assert.equal(body?.message, 'Organization is still referenced by Project');
  });

  test('a table or column the entities do not map is never named', async () => {
    const referenced = await bodyOf('DELETE FROM organizations WHERE id = 2');
    assert.equal(referenced?.message, 'Organization is still referenced by another record');
    const missing = await bodyOf('INSERT INTO legacy_notes VALUES (999)');
    assert.equal(missing?.message, 'value refers to a missing Organization');
    for (const body of [referenced, missing]) {
      assert.doesNotMatch(JSON.stringify(body), /legacy_notes|organization_id/);
    }
  });
});
