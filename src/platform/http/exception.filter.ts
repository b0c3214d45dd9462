import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityNotFoundError, QueryFailedError } from 'typeorm';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  databaseErrorBody,
  databaseUnavailableBody,
  isDatabaseUnavailable,
} from './database-error';
import { errorBody, ErrorBody } from './error-body';

/** What the filter needs of a request: Fastify's carries its id and a logger bound to it. */
interface LoggableRequest {
  readonly id?: string;
  readonly log?: { error(fields: object, message: string): void; warn(fields: object, message: string): void };
}

/**
 * Every error response is decided here. HttpExceptions pass through; database errors that are the
 * client's fault become 4xx in API terms; everything else is a bare 500 while the real error, with
 * its stack and the request id, goes to the log. An unreachable database is a 503 with Retry-After. No SQL, stack or driver text ever reaches a client.
 */
@Catch()
export class ApsoExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApsoExceptionFilter');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<LoggableRequest>();
    const unavailable = isDatabaseUnavailable(exception);
    if (unavailable) request.log?.warn({ err: exception }, 'database unavailable');
    const body = unavailable
      ? databaseUnavailableBody()
      : (this.bodyFor(exception) ?? this.internalError(exception, request));
    const { httpAdapter } = this.adapterHost;
    const response = http.getResponse<unknown>();
    if (httpAdapter.isHeadersSent(response)) return;
    if (unavailable) httpAdapter.setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    httpAdapter.reply(response, body, body.statusCode);
  }

  /** The response body for errors that are not bugs; undefined for everything else. */
  private bodyFor(exception: unknown): { statusCode: number } | undefined {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      return typeof response === 'string' ? errorBody(statusCode, response) : { statusCode, ...response };
    }
    if (exception instanceof QueryFailedError) return databaseErrorBody(exception, this.dataSource);
    if (exception instanceof EntityNotFoundError) {
      const entity = /of type "([^"]+)"/.exec(exception.message)?.[1] ?? 'Resource';
      return errorBody(404, `${entity} not found`);
    }
    return undefined;
  }

  private internalError(exception: unknown, request: LoggableRequest): ErrorBody {
    // Fastify's request logger already carries the request id (reqId) on every line.
    if (request.log) request.log.error({ err: exception }, 'unhandled error');
    else this.logger.error({ err: exception, reqId: request.id, msg: 'unhandled error' });
    return errorBody(500, 'Internal server error');
  }
}
