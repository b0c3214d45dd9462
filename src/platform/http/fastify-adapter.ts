import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { parseQueryString, QueryStringError } from '../crud/query-string';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/request-id';
import { guardRequestBodies } from './body-guard';
import { trackRouteMethods } from './allowed-methods';
import { CACHE_CONTROL_HEADER, NO_STORE, noStoreByDefault } from './cache-control';
import { allowCrossOrigin } from './cors';
import { answerNotModified } from './conditional-requests';
import { errorBody, ErrorBody, PROBLEM_CONTENT_TYPE, problemOf, replyWithProblem } from './error-body';

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
    routerOptions: { querystringParser: parseQueryStringOrMark },
    frameworkErrors: rejectUnroutableUrl,
    clientErrorHandler: answerClientError,
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
  trackRouteMethods(adapter.getInstance());
  // Hooks run in the order they are added, plugins' included. First, so that every answer, even
  // one refused by a later hook, carries it.
  noStoreByDefault(adapter.getInstance());
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // After the two above, so that a preflight it answers carries them; before any refusal, so that a
  // page can read why its request was refused.
  if (config.cors !== null) allowCrossOrigin(adapter.getInstance(), config.cors);
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    const refused = refusedQuery(request.query);
    // An answered request goes no further, so done() is not called for it.
    if (refused !== undefined) replyWithProblem(reply, errorBody(400, refused));
    else done();
  });
  // Node answers an Expect header other than 100-continue itself, with an empty 417, unless told how.
  adapter.getInstance().server.on('checkExpectation', rejectUnknownExpectation);
  guardRequestBodies(adapter, { maxValues: config.httpBodyMaxValues });
  answerNotModified(adapter.getInstance());
  return adapter;
}

/** Where a query string the parser refused keeps its reason, for the onRequest hook to answer 400. */
const REFUSED_QUERY = Symbol('refused query');

/**
 * The router calls the parser outside any error handling of Fastify's, so a refusal cannot throw:
 * it becomes an empty query marked with the reason.
 */
function parseQueryStringOrMark(search: string): Record<string, unknown> {
  try {
    return parseQueryString(search);
  } catch (error) {
    if (!(error instanceof QueryStringError)) throw error;
    return { [REFUSED_QUERY]: error.message };
  }
}

function refusedQuery(query: unknown): string | undefined {
  return (query as { [REFUSED_QUERY]?: string } | undefined)?.[REFUSED_QUERY];
}

/** 417 for `Expect: <anything but 100-continue>`, a problem like every other error. */
export function rejectUnknownExpectation(request: IncomingMessage, response: ServerResponse): void {
  const requestId = requestIdOf(request);
  const body = JSON.stringify(problemOf(errorBody(417, 'Only Expect: 100-continue is supported'), requestId));
  response.writeHead(417, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestId,
    [CACHE_CONTROL_HEADER]: NO_STORE,
  });
  response.end(body);
}

/**
 * A request Node's parser gave up on before Fastify saw it: headers or body too slow (408), headers
 * too large (431), or bytes that are not HTTP (400). Written to the socket as a problem, then the
 * connection is closed, as Fastify's own handler does.
 * There is no request to take an id from, so the problem carries no instance.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const status = clientErrorStatus(error.code);
    const body = JSON.stringify(clientErrorBody(status));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function clientErrorStatus(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

function clientErrorBody(status: number): ErrorBody {
  if (status === 408) return errorBody(408, 'The request did not arrive in time');
  if (status === 431) return errorBody(431, 'The request headers are too large');
  return errorBody(400, 'The request is not valid HTTP');
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
  replyWithProblem(reply, errorBody(status, message));
}
