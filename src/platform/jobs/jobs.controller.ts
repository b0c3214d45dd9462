import { Controller, Get, HttpCode, HttpException, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/access.decorator';
import { errorBody } from '../http/error-body';
import { JobsRedisUnavailable } from './admin-queues';
import { AdminTokenGuard } from './admin-token.guard';
import { DeadLetterPage, DeadLetters, isJobId, JobView } from './dead-letters';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
/** Deep pages cost Redis a walk of the list; the newest letters are the ones worth a look. */
const MAX_OFFSET = 10_000;
/** Seconds a client should wait before retrying while the jobs' Redis does not answer. */
const REDIS_RETRY_AFTER_SECONDS = 5;

/** A query parameter that is absent (its default) or a whole number in range; 400 naming it otherwise. */
function integerParameter(query: Record<string, unknown>, name: string, min: number, max: number, fallback: number) {
  const value = query[name];
  if (value === undefined) return fallback;
  if (typeof value === 'string' && /^\d{1,6}$/.test(value) && Number(value) >= min && Number(value) <= max)
    return Number(value);
  const message = `must be an integer from ${min} to ${max}`;
  throw new HttpException(errorBody(400, `${name} ${message}`, [{ field: name, errors: [message] }]), 400);
}

function assertJobId(id: string): void {
  if (!isJobId(id))
    throw new HttpException(errorBody(400, 'Not a job id: <subscription>.<event id>[.replay-<ms>] expected'), 400);
}

function notFound(id: string): HttpException {
  return new HttpException(errorBody(404, `No job ${id}`), 404);
}

/**
 * Operators' view of the webhook deliveries (docs/jobs.md): one job, the dead letters, a replay.
 * Public for the schema's access guard and opened by the admin token alone (AdminTokenGuard); not in
 * the OpenAPI document, which describes the API clients use.
 */
@ApiExcludeController()
@Public()
@UseGuards(AdminTokenGuard)
@Controller('jobs')
export class JobsController {
  constructor(@Inject(DeadLetters) private readonly deadLetters: DeadLetters) {}

  @Get('dead')
  list(
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeadLetterPage> {
    const limit = integerParameter(query, 'limit', 1, MAX_LIMIT, DEFAULT_LIMIT);
    const offset = integerParameter(query, 'offset', 0, MAX_OFFSET, 0);
    return answer(reply, () => this.deadLetters.list(limit, offset));
  }

  @Post('dead/:id/replay')
  @HttpCode(202)
  async replay(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ id: string }> {
    assertJobId(id);
    const jobId = await answer(reply, () => this.deadLetters.replay(id));
    if (jobId === undefined) throw notFound(id);
    return { id: jobId };
  }

  @Get(':id')
  async find(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<JobView> {
    assertJobId(id);
    const job = await answer(reply, () => this.deadLetters.find(id));
    if (job === undefined) throw notFound(id);
    return job;
  }
}

/** The operation's result; a 503 with Retry-After when the jobs' Redis did not answer in time. */
async function answer<T>(reply: FastifyReply, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof JobsRedisUnavailable)) throw error;
    void reply.header('Retry-After', String(REDIS_RETRY_AFTER_SECONDS));
    throw new HttpException(errorBody(503, 'The job queue is temporarily unavailable'), 503);
  }
}
