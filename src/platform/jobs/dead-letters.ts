import { Inject, Injectable } from '@nestjs/common';
import type { Job, JobState } from 'bullmq';
import { eventTopic } from '../events/entity-event';
import { AdminQueues } from './admin-queues';
import {
  DEAD_LETTER_QUEUE,
  DeadLetterData,
  JobsConfig,
  replayJobId,
  WEBHOOK_QUEUE,
  WebhookJobData,
  webhookJobOptions,
} from './jobs-config';

/** The injection token of the app's JobsConfig (src/generated/jobs.ts). */
export const JOBS_CONFIG_TOKEN = Symbol('JOBS_CONFIG');

/**
 * The ids this module's jobs have (webhookJobId, replayJobId): `<subscription>.<event uuid>`, then
 * `.replay-<ms>` for a replay. Anything else is refused before Redis is asked.
 */
const JOB_ID =
  /^[a-z0-9][a-z0-9-]{0,62}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.replay-\d{1,16})?$/;

export function isJobId(id: string): boolean {
  return JOB_ID.test(id);
}

/** BullMQ's state of a delivery job; a dead letter is never processed, its state is `dead`. */
export type JobViewState = JobState | 'unknown' | 'dead';

/** GET /jobs/:id, and each dead letter of GET /jobs/dead. Times are ISO 8601. */
export interface JobView {
  readonly id: string;
  readonly queue: string;
  readonly state: JobViewState;
  /** Delivery attempts made. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly progress: unknown;
  readonly failedReason?: string;
  readonly subscription: string;
  readonly event: { id: string; type: string; entity: string; entityId: string; timestamp: string };
  readonly createdAt: string;
  readonly processedAt?: string;
  readonly finishedAt?: string;
}

export interface DeadLetterPage {
  readonly data: readonly JobView[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined || ms === null ? undefined : new Date(ms).toISOString();
}

/** The event without its payload: the row may be large, and it is in the event log already. */
function eventSummary({ event }: WebhookJobData): JobView['event'] {
  return { id: event.id, type: event.type, entity: event.entity, entityId: event.entityId, timestamp: event.timestamp };
}

function withoutUndefined<T extends object>(view: T): T {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Reads delivery jobs and the dead letters, and replays dead letters (jobs.controller.ts). Every
 * operation runs within AdminQueues' time limit; JobsRedisUnavailable when Redis does not answer.
 */
@Injectable()
export class DeadLetters {
  constructor(
    @Inject(AdminQueues) private readonly queues: AdminQueues,
    @Inject(JOBS_CONFIG_TOKEN) private readonly config: JobsConfig,
  ) {}

  /** A delivery job, else a dead letter of that id; undefined when neither exists. */
  find(id: string): Promise<JobView | undefined> {
    return this.queues.withinTimeout(async () => {
      const delivery = await this.queues.webhooks.getJob(id);
      if (delivery) return this.deliveryView(delivery);
      const dead = await this.queues.deadLetters.getJob(id);
      return dead ? this.deadLetterView(dead) : undefined;
    });
  }

  /** Dead letters, newest first (BullMQ pushes new jobs at the head of the waiting list). */
  list(limit: number, offset: number): Promise<DeadLetterPage> {
    return this.queues.withinTimeout(async () => {
      const queue = this.queues.deadLetters;
      const [jobs, total] = await Promise.all([
        queue.getJobs(['waiting'], offset, offset + limit - 1, false),
        queue.getWaitingCount(),
      ]);
      // A letter removed between the range read and the job read comes back empty.
      const items = jobs.filter((job): job is Job<DeadLetterData> => job !== undefined && job !== null);
      return { data: items.map((job) => this.deadLetterView(job)), total, limit, offset };
    });
  }

  /**
   * Adds the dead letter's delivery back to the webhook queue as a new job, then removes the letter;
   * the new job's id, or undefined when there is no such letter. The worker skips a subscriber that
   * already acknowledged the event, so a replay never delivers twice what once succeeded.
   */
  replay(id: string): Promise<string | undefined> {
    return this.queues.withinTimeout(async () => {
      const letter = await this.queues.deadLetters.getJob(id);
      if (!letter) return undefined;
      const { subscription, event } = letter.data;
      // Named after the letter, not the time of the replay: two replays of one letter add one job.
      const jobId = replayJobId(subscription, event.id, letter.timestamp);
      const data: WebhookJobData = { subscription, event };
      await this.queues.webhooks.add(eventTopic(event), data, { ...webhookJobOptions(this.config), jobId });
      await letter.remove();
      return jobId;
    });
  }

  private async deliveryView(job: Job<WebhookJobData>): Promise<JobView> {
    const state = await job.getState();
    return withoutUndefined({
      id: String(job.id),
      queue: WEBHOOK_QUEUE,
      state,
      attempts: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      progress: job.progress,
      failedReason: job.failedReason || undefined,
      subscription: job.data.subscription,
      event: eventSummary(job.data),
      createdAt: isoTime(job.timestamp) as string,
      processedAt: isoTime(job.processedOn),
      finishedAt: isoTime(job.finishedOn),
    });
  }

  /** A dead letter's attempts and failure are those of the delivery that died, kept in its data. */
  private deadLetterView(job: Job<DeadLetterData>): JobView {
    return withoutUndefined({
      id: String(job.id),
      queue: DEAD_LETTER_QUEUE,
      state: 'dead',
      attempts: job.data.attempts,
      maxAttempts: this.config.attempts,
      progress: job.progress,
      failedReason: job.data.failedReason,
      subscription: job.data.subscription,
      event: eventSummary(job.data),
      createdAt: isoTime(job.timestamp) as string,
      finishedAt: job.data.failedAt,
    });
  }
}
