import { BadRequestException } from '@nestjs/common';
import { ResourceDefinition } from './resource';

export type SortDirection = 'ASC' | 'DESC';

/**
 * `-createdAt` -> `{ createdAt: 'DESC', id: 'ASC' }`. The id tie-breaker makes the order total, so
 * offset pages neither repeat nor skip rows that share a sort value.
 */
export function sortOrder(resource: ResourceDefinition, sort: string | undefined): Record<string, SortDirection> {
  if (sort === undefined || sort === '') return { id: 'ASC' };
  const descending = sort.startsWith('-');
  const property = descending ? sort.slice(1) : sort;
  // Generated DTOs already restrict `sort`; this guards callers that bypass HTTP validation.
  if (property !== 'id' && !resource.sortable.includes(property)) {
    throw new BadRequestException(`${resource.name} cannot be sorted by ${property}`);
  }
  const direction: SortDirection = descending ? 'DESC' : 'ASC';
  return property === 'id' ? { id: direction } : { [property]: direction, id: 'ASC' };
}

/** The accepted values of `?sort=`: each sortable property, ascending or with `-` descending. */
export function sortValues(resource: ResourceDefinition): string[] {
  return resource.sortable.flatMap((property) => [property, `-${property}`]);
}
