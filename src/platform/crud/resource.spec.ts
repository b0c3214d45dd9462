import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterableFields, ResourceDefinition } from './resource';
import { resourceDefinition } from '../../../test/support/resource-definition';

const resource = resourceDefinition;

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
      { name: 'project', kind: 'ManyToOne', target: () => PROJECTS, includable: true },
      {
        name: 'comments',
        kind: 'OneToMany',
        target: () => resource({ filterable: { body: { type: 'text' } } }),
        includable: true,
      },
      { name: 'parent', kind: 'ManyToOne', target: () => tasks, includable: true },
      // Its target's rules are stricter than these reads': no filter reaches through it.
      {
        name: 'owner',
        kind: 'ManyToOne',
        target: () => resource({ filterable: { salary: { type: 'decimal' } } }),
        includable: false,
      },
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
