import type { EntityManager } from 'typeorm';

/** What a write publishes about a row, when the schema lists it in the entity's `events`. */
export type EntityEventType = 'created' | 'updated' | 'deleted';

/**
 * One event as subscribers receive it (the webhook body). `id` is the event's own id, the same in
 * every delivery of it: subscribers deduplicate by it (it is also the Idempotency-Key header).
 */
export interface EntityEvent {
  readonly id: string;
  readonly type: EntityEventType;
  /** The entity's name in the schema, e.g. `Project`. */
  readonly entity: string;
  /** The row's id. */
  readonly entityId: string;
  /** When the write's transaction began, ISO 8601 with milliseconds. */
  readonly timestamp: string;
  /** The row as a GET answers it (readable properties only); `{ id }` for `deleted`. */
  readonly payload: Record<string, unknown>;
}

/** The table the generator declares (generator/src/database/platform-tables.ts); raw SQL only. */
export const EVENTS_TABLE = 'apso_events';

/** The topic a subscription names in the schema: `Project.created`. */
export function eventTopic(event: Pick<EntityEvent, 'entity' | 'type'>): string {
  return `${event.entity}.${event.type}`;
}

const INSERT_EVENTS = `INSERT INTO ${EVENTS_TABLE} (entity, type, entity_id, payload)
SELECT $1, $2, row_value->>'id', row_value FROM jsonb_array_elements($3::jsonb) AS row_value`;

/**
 * Records one event per row in the write's own transaction (the transactional outbox): the events
 * commit or roll back with the write. The worker's relay hands them to the queue (events/event-relay.ts).
 */
export async function recordEvents(
  em: EntityManager,
  entity: string,
  type: EntityEventType,
  rows: readonly { readonly id: unknown }[],
): Promise<void> {
  if (rows.length === 0) return;
  await em.query(INSERT_EVENTS, [entity, type, JSON.stringify(rows)]);
}
