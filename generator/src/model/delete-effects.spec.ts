import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EntitySpec } from '../schema/document';
import { buildModel } from './build';
import { entitiesChangedByDelete } from './delete-effects';

const model = buildModel({
  entities: [
    {
      name: 'Organization',
      relationships: [{ name: 'projects', type: 'OneToMany', target: 'Project', onDelete: 'CASCADE', nullable: false }],
    },
    {
      name: 'User',
      relationships: [{ name: 'organization', type: 'ManyToOne', target: 'Organization', onDelete: 'RESTRICT' }],
    },
    {
      name: 'Project',
      relationships: [
        { name: 'owner', type: 'ManyToOne', target: 'User', onDelete: 'SET NULL' },
        { name: 'tags', type: 'ManyToMany', target: 'Tag' },
      ],
    },
    {
      name: 'Task',
      relationships: [
        { name: 'project', type: 'ManyToOne', target: 'Project', onDelete: 'CASCADE', nullable: false },
        { name: 'parent', type: 'ManyToOne', target: 'Task', onDelete: 'CASCADE' },
      ],
    },
    { name: 'Tag' },
    {
      name: 'Account',
      softDelete: true,
      relationships: [{ name: 'tasks', type: 'OneToMany', target: 'Task', onDelete: 'CASCADE' }],
    },
  ] satisfies EntitySpec[],
});

const changedByDeleting = (name: string) =>
  entitiesChangedByDelete(
    model,
    model.entities.find((entity) => entity.names.className === name)!,
  ).map((entity) => entity.names.route);

test('a cascade reaches the children of children; SET NULL rewrites without going further', () => {
  assert.deepEqual(changedByDeleting('Organization'), ['projects', 'tasks']);
  assert.deepEqual(changedByDeleting('User'), ['projects']);
});

test('a self-reference lists the entity itself, and RESTRICT changes nothing', () => {
  assert.deepEqual(changedByDeleting('Task'), ['tasks']);
  assert.deepEqual(changedByDeleting('Tag'), ['projects']);
});

test('a soft delete changes no other row', () => {
  assert.deepEqual(changedByDeleting('Account'), []);
});

test('the owning side of a many-to-many is not changed by deleting its own rows', () => {
  assert.deepEqual(changedByDeleting('Project'), ['tasks']);
});
