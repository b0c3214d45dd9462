import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CorsConfig } from '../config/config';

/** Every method a route of the API serves. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The request headers the API reads that are not CORS-safelisted, so a browser asks before sending them. */
export const CORS_REQUEST_HEADERS = ['Content-Type', 'If-Match', 'If-None-Match', 'X-Request-Id'] as const;

/**
 * The response headers a page's script may read besides the safelisted ones (Content-Type,
 * Cache-Control, ...): the ETag to send back in If-Match, the request id to quote in a report, and
 * the headers errors carry (Retry-After on a 503, Allow on a 405).
 */
export const CORS_EXPOSED_HEADERS = ['ETag', 'X-Request-Id', 'Location', 'Retry-After', 'Allow'] as const;

/**
 * Answers browsers' cross-origin requests for the configured origins with @fastify/cors. The options
 * are decided per request so that
 * - a request from any other origin gets no CORS header at all (the plugin's own origin list would
 *   still send Allow-Credentials, Expose-Headers and a 204 to a preflight from a refused origin),
 *   and is answered as if CORS were off: a preflight gets the 405 or 404 any OPTIONS gets;
 * - only an OPTIONS with Access-Control-Request-Method is a preflight: any other OPTIONS is an
 *   ordinary request, answered 405 with Allow, not the plugin's text/plain "Invalid Preflight Request".
 * Every answer carries Vary: Origin, since whether it has CORS headers depends on that header.
 */
export function allowCrossOrigin(instance: FastifyInstance, cors: CorsConfig): void {
  const allowed = cors.origins === '*' ? undefined : new Set(cors.origins);
  const shared: FastifyCorsOptions = {
    credentials: cors.credentials,
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_REQUEST_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: cors.maxAgeSeconds,
  };
  const originOf = (request: FastifyRequest): string | false => {
    const origin = request.headers.origin;
    if (allowed === undefined) return '*';
    return origin !== undefined && allowed.has(origin) ? origin : false;
  };
  void instance.register(fastifyCors, {
    delegator: (request, answer) =>
      answer(null, {
        ...shared,
        origin: originOf(request),
        preflight: request.headers['access-control-request-method'] !== undefined,
      }),
  });
}
