import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterableFields, ResourceDefinition } from './resource';

function resource(overrides: Partial<ResourceDefinition>): ResourceDefinition {
  return {
    name: 'rows',
    sortable: [],
    filterable: {},
    nullableFields: [],
    relationIds: [],
    readable: [],
    relations: [],
    embeddedIn: [],
    deleteAlsoChanges: [],
    filteredFrom: [],
    deleteAlsoChangesEmbeddedIn: [],
    softDelete: false,
    versioned: false,
    cache: null,
    scope: null,
    ...overrides,
  };
}

const PROJECTS = resource({
  name: 'projects',
  filterable: { id: { type: 'uuid' }, name: { type: 'string' }, tagIds: { type: 'integer' } },
  relationIds: [{ idsProperty: 'tagIds', relation: 'tags' }],
});

test("a list filters by its own properties and by its many-to-one targets' columns, one level deep", () => {
  const tasks: ResourceDefinition = resource({
    name: 'tasks',
    filterable: { id: { type: 'uuid' }, title: { type: 'string' }, projectId: { type: 'uuid' } },
    relations: [
      { name: 'project', kind: 'ManyToOne', target: () => PROJECTS },
      { name: 'comments', kind: 'OneToMany', target: () => resource({ filterable: { body: { type: 'text' } } }) },
      { name: 'parent', kind: 'ManyToOne', target: () => tasks },
    ],
  });
  assert.deepEqual(
    [...filterableFields(tasks)],
    [
      ['id', { type: 'uuid' }],
      ['title', { type: 'string' }],
      ['projectId', { type: 'uuid' }],
      // The target's many-to-many id set is not a column a join can compare.
      ['project.id', { type: 'uuid' }],
      ['project.name', { type: 'string' }],
      ['parent.id', { type: 'uuid' }],
      ['parent.title', { type: 'string' }],
      ['parent.projectId', { type: 'uuid' }],
    ],
  );
  assert.equal(filterableFields(tasks), filterableFields(tasks), 'built once per resource');
});
