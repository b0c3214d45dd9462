import type { IncomingMessage, ServerResponse } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/request-id';
import { guardRequestBodies } from './body-guard';
import { CACHE_CONTROL_HEADER, NO_STORE } from './cache-control';
import { errorBody } from './error-body';

/**
 * How often Node looks for requests past their header or request timeout. Its default, 30 s, would
 * let a 10 s header timeout take up to 40 s; the check walks the open connections, which is cheap.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * The HTTP server: Fastify logging through the process's pino instance, every request carrying an id
 * (the caller's X-Request-Id when well-formed) that is bound to its log lines and echoed back, and
 * every request body checked before a route sees it.
 * Timeouts bound what a slow or stalled client can hold: a connection whose headers or body never
 * finish gets 408 and is closed (Fastify's own default, 0, waits forever).
 */
export function createFastifyAdapter(config: AppConfig, logger: Logger): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: config.httpBodyLimitBytes,
    loggerInstance: logger,
    genReqId: requestIdOf,
    frameworkErrors: rejectUnroutableUrl,
    requestTimeout: config.httpRequestTimeoutMs,
    connectionTimeout: config.httpConnectionTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    // Options of node:http's createServer; Fastify has no setting of its own for these.
    http: {
      headersTimeout: config.httpHeadersTimeoutMs,
      requestTimeout: config.httpRequestTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, config.httpHeadersTimeoutMs),
    },
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // Node answers an Expect header other than 100-continue itself, with an empty 417, unless told how.
  adapter.getInstance().server.on('checkExpectation', rejectUnknownExpectation);
  guardRequestBodies(adapter, { maxValues: config.httpBodyMaxValues });
  return adapter;
}

/** 417 for `Expect: <anything but 100-continue>`, in the platform's error body like every other error. */
export function rejectUnknownExpectation(request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify(errorBody(417, 'Only Expect: 100-continue is supported'));
  response.writeHead(417, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestIdOf(request),
    [CACHE_CONTROL_HEADER]: NO_STORE,
  });
  response.end(body);
}

/**
 * Fastify answers a URL its router cannot take (a malformed %-escape such as `%FF`, a path parameter
 * longer than its limit) before any route or Nest filter runs, with a body of its own that carries
 * Fastify's error code and echoes the path. This gives those the platform's error body instead.
 */
export function rejectUnroutableUrl(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode === 414 ? 414 : 400;
  const message = status === 414 ? 'A path parameter is too long' : 'The URL is not valid';
  void reply.header(CACHE_CONTROL_HEADER, NO_STORE);
  void reply.header(REQUEST_ID_HEADER, request.id).code(status).send(errorBody(status, message));
}
