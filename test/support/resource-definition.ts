import type { ResourceDefinition } from '../../src/platform/crud/resource';

/** A resource definition as a generated one reads, empty but for what a spec sets. */
export function resourceDefinition(overrides: Partial<ResourceDefinition>): ResourceDefinition {
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
