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

/** The connection and the queues, opened together. */
interface OpenQueues {
  readonly connection: IORedis;
  readonly webhooks: Queue<WebhookJobData>;
  readonly deadLetters: Queue<DeadLetterData>;
}

/**
 * The API's two queues, producers only (the worker process consumes them), on one connection of their
 * own to JOBS_REDIS_URL, opened by the first admin request: an app whose admin token is unset never
 * connects. Commands fail instead of waiting while Redis is unreachable (no offline queue, one retry)
 * and time out while it is silent, so no request waits on it unboundedly; the app starts and serves
 * its other routes whatever state Redis is in.
 */
export class AdminQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('JobsAdmin');
  private opened?: OpenQueues;

  constructor(private readonly config: AppConfig) {}

  get webhooks(): Queue<WebhookJobData> {
    return this.open().webhooks;
  }

  get deadLetters(): Queue<DeadLetterData> {
    return this.open().deadLetters;
  }

  private open(): OpenQueues {
    this.opened ??= this.connect();
    return this.opened;
  }

  private connect(): OpenQueues {
    const connection = new IORedis(this.config.jobs.redisUrl, {
      commandTimeout: ADMIN_REDIS_TIMEOUT_MS,
      connectTimeout: ADMIN_REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    // ioredis reports every failed reconnection, BullMQ again on each queue: logged once per outage.
    let down = false;
    const reportDown = (error: Error) => {
      if (!down) this.logger.warn(`the jobs Redis is unavailable: ${error.message}`);
      down = true;
    };
    connection.on('error', reportDown);
    connection.on('ready', () => {
      if (down) this.logger.log('the jobs Redis is available again');
      down = false;
    });
    const options = { connection, prefix: queuePrefix(this.config.cacheNamespace) };
    const webhooks = new Queue<WebhookJobData>(WEBHOOK_QUEUE, options);
    const deadLetters = new Queue<DeadLetterData>(DEAD_LETTER_QUEUE, options);
    for (const queue of [webhooks, deadLetters]) queue.on('error', reportDown);
    return { connection, webhooks, deadLetters };
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
      throw error instanceof JobsRedisUnavailable ? error : new JobsRedisUnavailable((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the queues, then the connection; bounded, so a silent Redis cannot hold the shutdown. */
  async onApplicationShutdown(): Promise<void> {
    const opened = this.opened;
    if (opened === undefined) return;
    try {
      await this.withinTimeout(() => Promise.all([opened.webhooks.close(), opened.deadLetters.close()]));
    } catch {
      // Redis is gone: nothing left to flush, the connection is dropped below.
    }
    opened.connection.disconnect();
  }
}
