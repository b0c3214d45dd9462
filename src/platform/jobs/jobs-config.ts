import type { JobsOptions } from 'bullmq';
import type { EntityEvent } from '../events/entity-event';

/**
 * A webhook subscription of the schema (`webhooks`): which event topics (`Project.created`) it gets.
 * Where they go and what signs them are configuration, read from the two variables it names.
 */
export interface WebhookSubscription {
  /** Lowercase letters, digits and `-`, e.g. `billing`. */
  readonly name: string;
  /** Topics, `<Entity>.<created|updated|deleted>`. */
  readonly events: readonly string[];
  /** The variable holding the target URL, e.g. `WEBHOOK_BILLING_URL`. */
  readonly urlVariable: string;
  /** The variable holding the signing secret, e.g. `WEBHOOK_BILLING_SECRET`. */
  readonly secretVariable: string;
}

/** How long finished jobs are kept, whichever limit is reached first. */
export interface JobRetention {
  readonly ageSeconds: number;
  readonly count: number;
}

/** The schema's `jobs` section with its defaults filled in (src/generated/jobs.ts). */
export interface JobsConfig {
  readonly webhooks: readonly WebhookSubscription[];
  /** Delivery attempts of one event to one subscriber, the first included; then the dead-letter queue. */
  readonly attempts: number;
  /** Delay before the first retry; each later one doubles it, with jitter, up to maxBackoffMs. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** Longest wait for one delivery attempt's response. */
  readonly timeoutMs: number;
  /** Jobs one worker process runs at once. */
  readonly concurrency: number;
  /** At most `max` jobs started per `durationMs`, over all workers of the queue; absent: no limit. */
  readonly rateLimit?: { readonly max: number; readonly durationMs: number };
  readonly keepCompleted: JobRetention;
  readonly keepFailed: JobRetention;
}

/** The queue of webhook deliveries: one job per event and subscription. */
export const WEBHOOK_QUEUE = 'webhooks';
/** Deliveries that failed for good; never processed, listed and replayed through the API. */
export const DEAD_LETTER_QUEUE = 'webhooks-dead';

/** A delivery job's data. */
export interface WebhookJobData {
  readonly subscription: string;
  readonly event: EntityEvent;
}

/**
 * The id of the job delivering `eventId` to `subscription`. BullMQ refuses to add a job whose id
 * exists, so a relay that adds the same event twice (it crashed before its commit) adds one job.
 * BullMQ ids may not contain `:`.
 */
export function webhookJobId(subscription: string, eventId: string): string {
  return `${subscription}.${eventId}`;
}

/** BullMQ's key prefix: queues of services sharing one Redis stay apart, as their cache keys do. */
export function queuePrefix(cacheNamespace: string): string {
  return `apso:${cacheNamespace}:bull`;
}

/** A dead letter's data: the delivery, and why its last attempt failed. */
export interface DeadLetterData extends WebhookJobData {
  readonly attempts: number;
  readonly failedReason: string;
  /** ISO 8601. */
  readonly failedAt: string;
}

/**
 * A dead letter replayed is a new job (the failed one may still be kept under its id), named after the
 * letter (`diedAtMs`, when the letter was added), so that replaying one letter twice adds one job. The
 * worker still delivers it at most once to a subscriber that acknowledged the event (its id is unchanged).
 */
export function replayJobId(subscription: string, eventId: string, diedAtMs: number): string {
  return `${webhookJobId(subscription, eventId)}.replay-${diedAtMs}`;
}

/** The backoff type of delivery jobs: the worker's strategy (exponential with jitter, honouring Retry-After). */
export const WEBHOOK_BACKOFF = 'webhook';

/** The options every delivery job is added with, by the relay and by a replay alike. */
export function webhookJobOptions(config: JobsConfig): JobsOptions {
  return {
    attempts: config.attempts,
    backoff: { type: WEBHOOK_BACKOFF },
    removeOnComplete: { age: config.keepCompleted.ageSeconds, count: config.keepCompleted.count },
    removeOnFail: { age: config.keepFailed.ageSeconds, count: config.keepFailed.count },
  };
}
