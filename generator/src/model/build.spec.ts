import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntitySpec, SchemaDocument } from '../schema/document';
import { buildModel } from './build';
import { edgeCycles } from './cycles';
import { camelCase, closest, kebabCase, limitIdentifier, plural, singular, snakeCase } from './naming';
import type { EntityModel } from './types';

const entity = (model: ReturnType<typeof buildModel>, name: string): EntityModel => {
  const found = model.entities.find((candidate) => candidate.names.className === name);
  assert.ok(found, `entity ${name}`);
  return found;
};
const doc = (...entities: EntitySpec[]): SchemaDocument => ({ entities });

describe('naming', () => {
  test('cases and plurals', () => {
    assert.equal(snakeCase('TaskComment'), 'task_comment');
    assert.equal(snakeCase('HTTPServer'), 'http_server');
    assert.equal(kebabCase('TaskComment'), 'task-comment');
    assert.equal(camelCase('invoice_number'), 'invoiceNumber');
    assert.equal(plural('TaskComment'), 'TaskComments');
    assert.equal(plural('Status'), 'Statuses');
    assert.equal(plural('Category'), 'Categories');
    assert.equal(plural('Person'), 'People');
    assert.equal(singular('tags'), 'tag');
  });

  test('entity names, tables and routes', () => {
    const model = buildModel(doc({ name: 'TaskComment' }, { name: 'Category', table: 'category_tree' }));
    const comment = entity(model, 'TaskComment');
    assert.equal(comment.table, 'task_comments');
    assert.equal(comment.names.route, 'task-comments');
    assert.equal(comment.names.kebab, 'task-comment');
    assert.equal(comment.names.constant, 'TASK_COMMENT');
    assert.equal(entity(model, 'Category').table, 'category_tree');
  });
});

describe('operations', () => {
  test('the CRUD and batch operations, reads answered from the cache unless the entity turned it off', () => {
    const model = buildModel(doc({ name: 'Task' }, { name: 'AuditEvent', cache: false }));
    const routes = (name: string) =>
      entity(model, name).operations.map((op) => `${op.name} ${op.verb} /${op.path} ${op.successStatus} ${op.cached}`);
    assert.deepEqual(routes('Task'), [
      'list GET / 200 list',
      'get GET /:id 200 item',
      'create POST / 201 null',
      'update PATCH /:id 200 null',
      'replace PUT /:id 200 null',
      'remove DELETE /:id 204 null',
      'createMany POST /bulk 201 null',
      'removeMany POST /bulk-delete 204 null',
    ]);
    assert.ok(entity(model, 'AuditEvent').operations.every((op) => op.cached === null));
  });

  test('a soft-deleting entity also lists its deleted rows and restores one, never from the cache', () => {
    const model = buildModel(doc({ name: 'User', softDelete: true }));
    const routes = entity(model, 'User').operations.map((op) => `${op.name} ${op.verb} /${op.path} ${op.cached}`);
    assert.deepEqual(routes.slice(-2), ['listDeleted GET /deleted null', 'restore POST /:id/restore null']);
  });
});

describe('relations', () => {
  test('a OneToMany creates the child ManyToOne with its foreign key', () => {
    const model = buildModel(
      doc(
        {
          name: 'Project',
          relationships: [
            {
              name: 'tasks',
              type: 'OneToMany',
              target: 'Task',
              inverse: 'project',
              nullable: false,
              onDelete: 'CASCADE',
            },
          ],
        },
        { name: 'Task' },
      ),
    );
    const task = entity(model, 'Task');
    const parent = task.relations.find((relation) => relation.property === 'project');
    assert.deepEqual(
      {
        kind: parent?.kind,
        owner: parent?.owner,
        inverse: parent?.inverse,
        nullable: parent?.nullable,
        onDelete: parent?.onDelete,
      },
      { kind: 'ManyToOne', owner: true, inverse: 'tasks', nullable: false, onDelete: 'CASCADE' },
    );
    assert.deepEqual(parent?.joinColumn, {
      property: 'projectId',
      column: 'project_id',
      constraint: 'tasks_project_id_fkey',
    });
    const foreignKey = task.columns.find((column) => column.property === 'projectId');
    assert.equal(foreignKey?.role, 'foreignKey');
    assert.equal(foreignKey?.nullable, false);
    const children = entity(model, 'Project').relations[0];
    assert.equal(children.kind, 'OneToMany');
    assert.equal(children.owner, false);
  });

  test('a OneToMany without inverse names the child side after the parent', () => {
    const model = buildModel(
      doc({ name: 'Category', relationships: [{ name: 'children', type: 'OneToMany', target: 'Category' }] }),
    );
    const category = entity(model, 'Category');
    assert.deepEqual(
      category.relations.map((relation) => `${relation.property}:${relation.kind}:${relation.inverse}`),
      ['children:OneToMany:category', 'category:ManyToOne:children'],
    );
  });

  test('ManyToOne with inverse, OneToOne owner and ManyToMany join table', () => {
    const model = buildModel(
      doc(
        {
          name: 'Project',
          primaryKey: 'uuid',
          relationships: [
            { name: 'owner', type: 'ManyToOne', target: 'User', inverse: 'ownedProjects' },
            { name: 'tags', type: 'ManyToMany', target: 'Tag', inverse: 'projects' },
          ],
        },
        { name: 'User', relationships: [{ name: 'profile', type: 'OneToOne', target: 'Profile', inverse: 'user' }] },
        { name: 'Profile' },
        { name: 'Tag', primaryKey: 'integer' },
      ),
    );
    const tags = entity(model, 'Project').relations.find((relation) => relation.property === 'tags');
    assert.equal(tags?.idsProperty, 'tagIds');
    assert.deepEqual(tags?.joinTable, {
      name: 'projects_tags',
      joinColumn: 'project_id',
      inverseJoinColumn: 'tag_id',
      joinConstraint: 'projects_tags_project_id_fkey',
      inverseJoinConstraint: 'projects_tags_tag_id_fkey',
      ownerKeyType: 'uuid',
      targetKeyType: 'integer',
      ownerTable: 'projects',
      targetTable: 'tags',
    });
    const inverseTags = entity(model, 'Tag').relations[0];
    assert.deepEqual([inverseTags.property, inverseTags.kind, inverseTags.owner], ['projects', 'ManyToMany', false]);
    assert.equal(
      entity(model, 'User').relations.find((relation) => relation.property === 'ownedProjects')?.kind,
      'OneToMany',
    );
    const profileKey = entity(model, 'User').columns.find((column) => column.property === 'profileId');
    assert.equal(profileKey?.unique, true);
    assert.equal(entity(model, 'Profile').relations[0].owner, false);
  });

  test('a self ManyToMany gets distinct join columns', () => {
    const model = buildModel(
      doc({ name: 'User', relationships: [{ name: 'users', type: 'ManyToMany', target: 'User' }] }),
    );
    const join = entity(model, 'User').relations[0].joinTable;
    assert.equal(join?.joinColumn, 'user_id');
    assert.equal(join?.inverseJoinColumn, 'related_user_id');
  });

  test('foreign keys take the type of the target key', () => {
    const model = buildModel(
      doc(
        { name: 'Tag', primaryKey: 'integer' },
        { name: 'Note', relationships: [{ name: 'tag', type: 'ManyToOne', target: 'Tag' }] },
      ),
    );
    assert.equal(entity(model, 'Note').columns.find((column) => column.property === 'tagId')?.type, 'integer');
  });
});

describe('index inference', () => {
  const model = buildModel(
    doc(
      { name: 'Organization' },
      {
        name: 'Task',
        softDelete: true,
        fields: [
          { name: 'title', type: 'string' },
          { name: 'status', type: 'enum', values: ['open', 'done'] },
          { name: 'code', type: 'string', unique: true },
          { name: 'rank', type: 'integer', index: true },
        ],
        relationships: [{ name: 'organization', type: 'ManyToOne', target: 'Organization', nullable: false }],
        indexes: [{ fields: ['organization', 'title'], unique: true }, { fields: ['organizationId'] }],
      },
    ),
  );
  const indexes = entity(model, 'Task').indexes;

  test('foreign key, created_at and (foreign key, status) are inferred, exact duplicates dropped', () => {
    assert.deepEqual(
      indexes.map((index) => [index.name, index.properties.join(','), index.unique, index.where ?? '', index.origin]),
      [
        ['tasks_organization_id_title_key', 'organizationId,title', true, 'deleted_at IS NULL', 'explicit'],
        ['tasks_organization_id_idx', 'organizationId', false, '', 'explicit'],
        ['tasks_code_key', 'code', true, 'deleted_at IS NULL', 'field'],
        ['tasks_rank_idx', 'rank', false, '', 'field'],
        ['tasks_created_at_idx', 'createdAt', false, '', 'createdAt'],
        ['tasks_organization_id_status_idx', 'organizationId,status', false, '', 'foreignKeyStatus'],
      ],
    );
  });

  test('the model is frozen and sorted by class name whatever the schema order', () => {
    assert.ok(Object.isFrozen(model.entities[0].columns));
    assert.deepEqual(
      model.entities.map((candidate) => candidate.names.className),
      ['Organization', 'Task'],
    );
  });
});

describe('identifiers and hints', () => {
  test('names over 63 bytes are shortened with a stable hash', () => {
    const long = `${'very_long_table_name_'.repeat(4)}column_idx`;
    const shortened = limitIdentifier(long);
    assert.equal(shortened.length, 63);
    assert.equal(limitIdentifier(long), shortened);
    assert.notEqual(limitIdentifier(`${long}2`), shortened);
    assert.equal(limitIdentifier('short_idx'), 'short_idx');
  });

  test('"did you mean" picks a close candidate, or none', () => {
    assert.equal(closest('strng', ['string', 'text', 'integer']), 'string');
    assert.equal(closest('Tsk', ['Project', 'Task']), 'Task');
    assert.equal(closest('banana', ['string', 'text']), undefined);
  });
});

describe('edgeCycles', () => {
  test('finds each cycle once, self-loops included, and nothing in a tree', () => {
    const edges: [string, string][] = [
      ['A', 'B'],
      ['B', 'C'],
      ['C', 'A'],
      ['D', 'D'],
      ['E', 'A'],
    ];
    const cycles = edgeCycles(
      edges,
      (edge) => edge[0],
      (edge) => edge[1],
    );
    assert.deepEqual(
      cycles.map((cycle) => cycle.map((edge) => edge.join('>')).join(' ')),
      ['A>B B>C C>A', 'D>D'],
    );
    assert.deepEqual(
      edgeCycles(
        [
          ['A', 'B'],
          ['A', 'C'],
          ['B', 'C'],
        ] as [string, string][],
        (e) => e[0],
        (e) => e[1],
      ),
      [],
    );
  });
});
