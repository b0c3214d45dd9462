import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource, EntityNotFoundError, QueryFailedError } from 'typeorm';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  databaseErrorBody,
  databaseUnavailableBody,
  isDatabaseUnavailable,
} from './database-error';
import { allowedMethods } from './allowed-methods';
import { errorBody, ErrorBody, problemFromHttpResponse, replyWithProblem } from './error-body';

/** What the filter needs of a request: Fastify's carries its id, method, url and a logger bound to it. */
interface LoggableRequest {
  readonly id?: string;
  readonly method?: string;
  readonly url?: string;
  /** Fastify's: true when no route matched the method and path (Nest then throws `Cannot GET /path`). */
  readonly is404?: boolean;
  readonly log?: { error(fields: object, message: string): void; warn(fields: object, message: string): void };
}

/**
 * Every error response is decided here. HttpExceptions pass through; database errors that are the
 * client's fault become 4xx in API terms; everything else is a bare 500 while the real error, with
 * its stack and the request id, goes to the log. An unreachable database is a 503 with Retry-After. No SQL, stack or driver text ever reaches a client.
 * Every body is an RFC 9457 problem (application/problem+json) whose instance is the request id.
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
    const { httpAdapter } = this.adapterHost;
    const allow = this.methodsOfUnservedMethod(exception, request);
    const body = unavailable
      ? databaseUnavailableBody()
      : allow
        ? errorBody(405, `${request.method} is not allowed here; allowed: ${allow.join(', ')}`)
        : isUnknownRoute(exception, request)
          ? errorBody(404, UNKNOWN_ROUTE)
          : (this.bodyFor(exception) ?? this.internalError(exception, request));
    const response = http.getResponse<unknown>();
    if (httpAdapter.isHeadersSent(response)) return;
    if (isHealthReport(exception)) {
      // Readiness probes and dashboards read Terminus's report; a failing check is not an API error.
      httpAdapter.reply(response, exception.getResponse(), exception.getStatus());
      return;
    }
    if (unavailable) httpAdapter.setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    if (allow) httpAdapter.setHeader(response, 'Allow', allow.join(', '));
    // Not httpAdapter.reply(): Nest's Fastify adapter resets any error's Content-Type to application/json.
    replyWithProblem(response as FastifyReply, body);
  }

  /**
   * The methods a path is served with when the request's method is not one of them (Nest's router
   * reports that as an unknown route, 404); undefined when the 404 is not about the route.
   */
  private methodsOfUnservedMethod(exception: unknown, request: LoggableRequest): string[] | undefined {
    if (!(exception instanceof NotFoundException) || request.method === undefined || request.url === undefined)
      return undefined;
    const allowed = allowedMethods(this.adapterHost.httpAdapter.getInstance(), request.url);
    return allowed.length > 0 && !allowed.includes(request.method) ? allowed : undefined;
  }

  /** The response body for errors that are not bugs; undefined for everything else. */
  private bodyFor(exception: unknown): ErrorBody | undefined {
    if (exception instanceof HttpException)
      return problemFromHttpResponse(exception.getStatus(), exception.getResponse());
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

/**
 * The detail of a 404 for a path no route serves. Nest's own message repeats the method and path;
 * a body that echoes the request's text back is how reflected content ends up in logs, caches and
 * pages, and the client knows what it asked for.
 */
export const UNKNOWN_ROUTE = 'No resource is served at this path';

function isUnknownRoute(exception: unknown, request: LoggableRequest): boolean {
  return exception instanceof NotFoundException && request.is404 === true;
}

/** The 503 of /health/ready: Terminus throws its report (`{ status: 'error', info, error, details }`). */
function isHealthReport(exception: unknown): exception is HttpException {
  if (!(exception instanceof HttpException)) return false;
  const response = exception.getResponse() as { status?: unknown; details?: unknown };
  return response.status === 'error' && typeof response.details === 'object' && response.details !== null;
}
