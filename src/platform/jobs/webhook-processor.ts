import { Logger } from '@nestjs/common';
import { BackoffStrategy, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Counter, Histogram } from 'prom-client';
import {
  DEAD_LETTER_QUEUE,
  DeadLetterData,
  JobsConfig,
  WEBHOOK_QUEUE,
  WebhookJobData,
  webhookJobId,
} from './jobs-config';
import { deliverWebhook, DeliveryOutcome, WebhookTarget } from './webhook-delivery';

type AttemptOutcome = 'delivered' | 'retried' | 'rejected' | 'dead';
const ERROR_LOG_INTERVAL_MS = 10_000;

/** A failed attempt worth another one; carries the receiver's Retry-After to the backoff strategy. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

/**
 * The delay before retry number `attemptsMade`: the receiver's Retry-After when it gave one, else
 * exponential (`backoffMs · 2^(attemptsMade−1)`, at most maxBackoffMs) with equal jitter (half fixed,
 * half random), so that retries of many jobs failing at once spread out yet still grow.
 */
export function webhookBackoff(jobs: JobsConfig, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, error) => {
    if (error instanceof RetryableDeliveryError && error.retryAfterMs !== undefined) return error.retryAfterMs;
    const ceiling = Math.min(jobs.maxBackoffMs, jobs.backoffMs * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };
}

/** The Redis key saying `subscription` acknowledged `eventId` (answered 2xx): later attempts skip it. */
export function ackedKey(prefix: string, subscription: string, eventId: string): string {
  return `${prefix}:acked:${webhookJobId(subscription, eventId)}`;
}

export interface WebhookProcessorOptions {
  readonly jobs: JobsConfig;
  /** Each subscription's URL and secret, by name. */
  readonly targets: ReadonlyMap<string, WebhookTarget>;
  readonly redisUrl: string;
  /** BullMQ's key prefix, queuePrefix(cacheNamespace). */
  readonly prefix: string;
  /** How long a claim on an active job lasts without renewal (JOBS_LOCK_MS). */
  readonly lockMs: number;
  readonly attempts: Pick<Counter<'subscription' | 'outcome'>, 'inc'>;
  readonly durations: Pick<Histogram<'subscription'>, 'observe'>;
  /** The jitter's source; tests pass a constant. */
  readonly random?: () => number;
}

/**
 * Runs the deliveries of WEBHOOK_QUEUE. A plain bullmq Worker rather than @nestjs/bullmq's @Processor:
 * its concurrency, rate limit, lock duration and backoff strategy come from the runtime config, which a
 * decorator's static options cannot carry, and the worker must be closed with a time limit on SIGTERM.
 */
export class WebhookProcessor {
  private readonly logger = new Logger(WebhookProcessor.name);
  /** Commands of its own (the acknowledgement markers) and the Worker's; BullMQ needs retries unbounded. */
  private readonly redis: IORedis;
  readonly worker: Worker<WebhookJobData>;
  readonly deadLetters: Queue<DeadLetterData>;
  private lastLogged = 0;

  constructor(private readonly options: WebhookProcessorOptions) {
    this.redis = new IORedis(options.redisUrl, { maxRetriesPerRequest: null });
    const { jobs, lockMs, prefix } = options;
    this.deadLetters = new Queue<DeadLetterData>(DEAD_LETTER_QUEUE, { connection: this.redis, prefix });
    this.worker = new Worker<WebhookJobData>(WEBHOOK_QUEUE, (job) => this.process(job), {
      connection: this.redis,
      prefix,
      autorun: false,
      concurrency: jobs.concurrency,
      ...(jobs.rateLimit ? { limiter: { max: jobs.rateLimit.max, duration: jobs.rateLimit.durationMs } } : {}),
      lockDuration: lockMs,
      // A killed worker's jobs are found and run again within a lock duration after their lock lapsed.
      stalledInterval: lockMs,
      // Every kill of a worker in the middle of a job counts as a stall; BullMQ's default (1) would fail
      // a job, outside the dead-letter queue, after its second. The attempts bound both.
      maxStalledCount: jobs.attempts,
      settings: { backoffStrategy: webhookBackoff(jobs, options.random) },
    });
    // An 'error' nobody listens to would throw; Redis outages are retried by the Worker itself.
    this.worker.on('error', (error) => this.logNowAndThen(`webhook worker: ${error.message}`));
    this.deadLetters.on('error', (error) => this.logNowAndThen(`dead-letter queue: ${error.message}`));
  }

  /** Starts taking jobs. */
  start(): void {
    void this.worker.run().catch((error: unknown) => this.logger.error(`webhook worker stopped: ${String(error)}`));
  }

  /** Whether the queues' Redis answers within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<boolean> {
    const answered = this.redis.ping().then(
      () => true,
      () => false,
    );
    return Promise.race([answered, sleep(timeoutMs, false)]);
  }

  /**
   * Stops taking jobs and waits up to `shutdownMs` for the active ones, then closes the connections.
   * A job still running then is abandoned: its lock is no longer renewed and lapses after JOBS_LOCK_MS,
   * and another worker (or this one restarted) runs it again; the subscriber may get the event twice,
   * with the same id (the Idempotency-Key), which is why subscribers deduplicate.
   */
  async close(shutdownMs: number): Promise<void> {
    const finished = await Promise.race([this.worker.close().then(() => true), sleep(shutdownMs, false)]);
    if (!finished) this.logger.warn(`active deliveries unfinished after ${shutdownMs} ms: they run again elsewhere`);
    await this.deadLetters.close().catch(() => undefined);
    this.redis.disconnect();
  }

  private async process(job: Job<WebhookJobData>): Promise<void> {
    const { subscription, event } = job.data;
    const acked = ackedKey(this.options.prefix, subscription, event.id);
    // An earlier attempt got its 2xx but the worker died before the job completed: do not send it again.
    if ((await this.redis.exists(acked)) === 1) return;
    const target = this.options.targets.get(subscription);
    const outcome: DeliveryOutcome = target
      ? await deliverWebhook(target, event, this.options.jobs)
      : { kind: 'rejected', status: 0, reason: `no subscription named ${subscription} in this worker` };
    if (outcome.kind === 'delivered') {
      await this.redis.set(acked, '1', 'EX', this.options.jobs.keepCompleted.ageSeconds);
      this.count(subscription, 'delivered');
      this.options.durations.observe({ subscription }, (Date.now() - Date.parse(event.timestamp)) / 1000);
      return;
    }
    if (outcome.kind === 'rejected') {
      this.count(subscription, 'rejected');
      await this.deadLetter(job, outcome.reason);
      throw new UnrecoverableError(outcome.reason);
    }
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      this.count(subscription, 'dead');
      await this.deadLetter(job, outcome.reason);
      throw new UnrecoverableError(outcome.reason);
    }
    this.count(subscription, 'retried');
    throw new RetryableDeliveryError(outcome.reason, outcome.retryAfterMs);
  }

  /** Same id as the delivery: a worker killed after this and before the job failed adds it once. Never processed. */
  private async deadLetter(job: Job<WebhookJobData>, failedReason: string): Promise<void> {
    const { subscription, event } = job.data;
    const data: DeadLetterData = {
      subscription,
      event,
      attempts: job.attemptsMade + 1,
      failedReason,
      failedAt: new Date().toISOString(),
    };
    await this.deadLetters.add(event.type, data, { jobId: webhookJobId(subscription, event.id) });
  }

  private count(subscription: string, outcome: AttemptOutcome): void {
    this.options.attempts.inc({ subscription, outcome });
  }

  private logNowAndThen(message: string): void {
    const now = Date.now();
    if (now - this.lastLogged < ERROR_LOG_INTERVAL_MS) return;
    this.lastLogged = now;
    this.logger.warn(message);
  }
}
