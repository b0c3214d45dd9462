import type { EntitySpec, OnDeleteAction, RelationSpec, RelationType } from '../schema/document';
import { camelCase, singular, snakeCase } from './naming';

/**
 * One side of a relationship as it will exist on an entity, whichever side declared it.
 * Declaring `Project.tasks: OneToMany Task` yields a OneToMany side on Project and a
 * ManyToOne side on Task; both carry the pointer of the declaration for diagnostics.
 */
export interface RelationSide {
  readonly entity: string;
  readonly property: string;
  readonly kind: RelationType;
  readonly target: string;
  readonly inverse?: string;
  readonly owner: boolean;
  readonly nullable: boolean;
  readonly onDelete: OnDeleteAction;
  readonly joinTable?: string;
  /** JSON pointer of the declaring relationship. */
  readonly declaredAt: string;
  /** True on the side created from another entity's `inverse` or OneToMany. */
  readonly derived: boolean;
}

const INVERSE_KIND: Record<RelationType, RelationType> = {
  ManyToOne: 'OneToMany',
  OneToMany: 'ManyToOne',
  OneToOne: 'OneToOne',
  ManyToMany: 'ManyToMany',
};

/** Expands every declared relationship into the sides it creates on both entities. */
export function relationSides(entities: readonly EntitySpec[]): RelationSide[] {
  return entities.flatMap((entity, entityIndex) =>
    (entity.relationships ?? []).flatMap((relation, relationIndex) =>
      sidesOf(entity, relation, `/entities/${entityIndex}/relationships/${relationIndex}`),
    ),
  );
}

function sidesOf(entity: EntitySpec, relation: RelationSpec, declaredAt: string): RelationSide[] {
  const nullable = relation.nullable ?? true;
  const onDelete = relation.onDelete ?? 'NO ACTION';
  if (relation.type === 'OneToMany') {
    // The foreign key lives on the child, so the child's ManyToOne always exists.
    const childProperty = relation.inverse ?? camelCase(entity.name);
    return [
      side(entity.name, relation.name, 'OneToMany', relation.target, childProperty, false),
      side(relation.target, childProperty, 'ManyToOne', entity.name, relation.name, true, true),
    ];
  }
  const declared = side(entity.name, relation.name, relation.type, relation.target, relation.inverse, true);
  if (!relation.inverse) return [declared];
  return [
    declared,
    side(relation.target, relation.inverse, INVERSE_KIND[relation.type], entity.name, relation.name, false, true),
  ];

  function side(
    owningEntity: string,
    property: string,
    kind: RelationType,
    target: string,
    inverse: string | undefined,
    owner: boolean,
    derived = false,
  ): RelationSide {
    return {
      entity: owningEntity,
      property,
      kind,
      target,
      inverse,
      owner,
      nullable,
      onDelete,
      joinTable: kind === 'ManyToMany' && owner ? relation.joinTable : undefined,
      declaredAt,
      derived,
    };
  }
}

/** `organization` → `organizationId` / `organization_id`. */
export function foreignKeyProperty(relationProperty: string): string {
  return `${relationProperty}Id`;
}
export function foreignKeyColumn(relationProperty: string): string {
  return `${snakeCase(relationProperty)}_id`;
}

/** `tags` → `tagIds`: the DTO property that sets a ManyToMany by ids. */
export function idsProperty(relationProperty: string): string {
  return `${singular(relationProperty)}Ids`;
}

export function holdsForeignKey(side: Pick<RelationSide, 'kind' | 'owner'>): boolean {
  return side.owner && (side.kind === 'ManyToOne' || side.kind === 'OneToOne');
}
