import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { EVENTS_TABLE, EntityEvent, EntityEventType, eventTopic } from '../events/entity-event';
import { JobsConfig, WebhookJobData, webhookJobId, webhookJobOptions } from './jobs-config';

/** Events taken per transaction; a full batch is followed by the next one at once. */
export const EVENT_RELAY_BATCH = 500;
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Takes the oldest rows no other transaction holds (SKIP LOCKED: relays of several worker pods take
 * disjoint batches instead of waiting on each other) and deletes them; the delete commits only with
 * the transaction, so rows stay when the queue refused them.
 */
const CLAIM_EVENTS = `DELETE FROM ${EVENTS_TABLE}
WHERE seq IN (SELECT seq FROM ${EVENTS_TABLE} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING seq, id, entity, type, entity_id, payload, occurred_at`;

interface EventRow {
  readonly seq: string;
  readonly id: string;
  readonly entity: string;
  readonly type: EntityEventType;
  readonly entity_id: string;
  readonly payload: Record<string, unknown>;
  readonly occurred_at: Date;
}

/** The event a row records, as subscribers receive it. */
function eventOf(row: EventRow): EntityEvent {
  return {
    id: row.id,
    type: row.type,
    entity: row.entity,
    entityId: row.entity_id,
    timestamp: row.occurred_at.toISOString(),
    payload: row.payload,
  };
}

/** A delivery job per event and subscription that lists the event's topic, with ids that make re-adding harmless. */
export function deliveryJobs(events: readonly EntityEvent[], jobs: JobsConfig) {
  const options = webhookJobOptions(jobs);
  return events.flatMap((event) =>
    jobs.webhooks
      .filter((subscription) => subscription.events.includes(eventTopic(event)))
      .map((subscription) => ({
        name: eventTopic(event),
        data: { subscription: subscription.name, event } satisfies WebhookJobData,
        opts: { ...options, jobId: webhookJobId(subscription.name, event.id) },
      })),
  );
}

/**
 * One relay transaction: claims up to `limit` events, adds their delivery jobs and commits only once
 * Redis accepted them; if it did not, the transaction rolls back and the rows stay for the next try.
 * A crash between the jobs' addition and the commit leaves the rows too: the next relay adds the same
 * job ids, which BullMQ ignores, so an event is queued at least once and delivered once per subscriber.
 * Plain statements in one transaction: it works behind PgBouncer's transaction pooling. Returns how many
 * events it took.
 */
export async function relayEventBatch(
  primary: DataSource,
  queue: Pick<Queue, 'addBulk'>,
  jobs: JobsConfig,
  limit: number = EVENT_RELAY_BATCH,
): Promise<number> {
  return primary.transaction(async (em) => {
    // TypeORM answers a DELETE … RETURNING with [rows, affected count].
    const [rows] = (await em.query(CLAIM_EVENTS, [limit])) as [EventRow[], number];
    if (rows.length === 0) return 0;
    const events = [...rows].sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq))).map(eventOf);
    const deliveries = deliveryJobs(events, jobs);
    if (deliveries.length > 0) await queue.addBulk(deliveries);
    return rows.length;
  });
}

/**
 * Moves the events writes recorded (apso_events) to the webhook queue, in the worker process only:
 * every `intervalMs`, batch after batch while batches are full. Any number of worker pods may run it
 * at once (relayEventBatch). A failure (database or Redis unavailable) is logged now and then and
 * retried at the next tick; no event is lost, as its row stays.
 */
export class EventRelay {
  private readonly logger = new Logger(EventRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastLogged = 0;

  constructor(
    private readonly primary: DataSource,
    private readonly queue: Pick<Queue, 'addBulk'>,
    private readonly jobs: JobsConfig,
    private readonly intervalMs: number,
    private readonly relayed: Pick<Counter, 'inc'>,
    private readonly batchSize: number = EVENT_RELAY_BATCH,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    void this.tick();
  }

  /** Stops the timer and waits for a batch in progress (so its transaction ends before the pools close). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Relays now unless a run is in progress (never two at once in one process). */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    if (!this.primary.isInitialized) return;
    try {
      for (;;) {
        const taken = await relayEventBatch(this.primary, this.queue, this.jobs, this.batchSize);
        if (taken > 0) this.relayed.inc(taken);
        if (taken < this.batchSize || this.stopped) return;
      }
    } catch (error) {
      const now = Date.now();
      if (now - this.lastLogged < ERROR_LOG_INTERVAL_MS) return;
      this.lastLogged = now;
      this.logger.warn(`events not relayed yet: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
