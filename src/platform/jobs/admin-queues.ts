import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { AppConfig } from '../config/config';
import { DEAD_LETTER_QUEUE, DeadLetterData, queuePrefix, WEBHOOK_QUEUE, WebhookJobData } from './jobs-config';

/**
 * Longest wait for Redis in one admin request, each command and the whole operation alike: an
 * operator's page gets a 503 in seconds rather than hanging on a Redis that accepts and never answers.
 */
export const ADMIN_REDIS_TIMEOUT_MS = 2_000;

/** Redis did not answer in time, or refused the connection: the admin request is answered 503. */
export class JobsRedisUnavailable extends Error {}

/** What ioredis and BullMQ throw when Redis is down or silent, as opposed to bugs. */
const UNAVAILABLE_MESSAGES =
  /Command timed out|Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Reached the max retries/i;

function isRedisUnavailable(error: unknown): boolean {
  return error instanceof JobsRedisUnavailable || (error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message));
}

/**
 * The API's two queues, producers only (the worker process consumes them), on one connection of their
 * own to JOBS_REDIS_URL. Commands fail instead of waiting while Redis is unreachable (no offline
 * queue, one retry) and time out while it is silent, so no request waits on it unboundedly; the app
 * starts and serves its other routes whatever state Redis is in.
 */
export class AdminQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('JobsAdmin');
  private readonly connection: IORedis;
  readonly webhooks: Queue<WebhookJobData>;
  readonly deadLetters: Queue<DeadLetterData>;

  constructor(config: AppConfig) {
    this.connection = new IORedis(config.jobs.redisUrl, {
      commandTimeout: ADMIN_REDIS_TIMEOUT_MS,
      connectTimeout: ADMIN_REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    // ioredis reports each failed reconnection; BullMQ re-emits them on the queues, logged once below.
    this.connection.on('error', () => undefined);
    const options = { connection: this.connection, prefix: queuePrefix(config.cacheNamespace) };
    this.webhooks = new Queue<WebhookJobData>(WEBHOOK_QUEUE, options);
    this.deadLetters = new Queue<DeadLetterData>(DEAD_LETTER_QUEUE, options);
    for (const queue of [this.webhooks, this.deadLetters])
      queue.on('error', (error) => this.logger.warn(`queue ${queue.name}: ${error.message}`));
  }

  /**
   * Runs one admin operation against Redis within ADMIN_REDIS_TIMEOUT_MS. BullMQ waits for the
   * connection to be ready before its first command, without a limit of its own: the race bounds that too.
   */
  async withinTimeout<T>(operation: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new JobsRedisUnavailable(`Redis did not answer within ${ADMIN_REDIS_TIMEOUT_MS} ms`)),
        ADMIN_REDIS_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([operation(), timeout]);
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      this.logger.warn(`jobs Redis unavailable: ${(error as Error).message}`);
      throw error instanceof JobsRedisUnavailable ? error : new JobsRedisUnavailable((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the queues, then the connection; bounded, so a silent Redis cannot hold the shutdown. */
  async onApplicationShutdown(): Promise<void> {
    try {
      await this.withinTimeout(() => Promise.all([this.webhooks.close(), this.deadLetters.close()]));
    } catch {
      // Redis is gone: nothing left to flush, the connection is dropped below.
    }
    this.connection.disconnect();
  }
}
