import type { FastifyInstance } from 'fastify';

export const CACHE_CONTROL_HEADER = 'cache-control';

/** Every answer but a cached read's: writes, uncached reads, errors, probes, metrics. */
export const NO_STORE = 'no-store';

/**
 * The one place that says what clients and proxies may do with the answer of a cached read
 * (@CachedRead), sent only with successful answers; docs/runtime.md ("Cache-Control") says why.
 *
 * - `private`: no shared cache (CDN, proxy) may keep it. Once requests are authenticated (issue 15),
 *   answers belong to a tenant, and a shared cache keyed by URL alone would hand them to another.
 * - `no-cache`, not `max-age=<the resource's TTL>`: a browser may keep the answer but must ask again
 *   before using it (answered with 304 when its ETag still matches). With a max-age, a client that
 *   just created a row would be shown the list it cached before for up to the list TTL, while the
 *   service's own cache guarantees that no answer read before a write is served after it.
 */
export const CACHED_READ_CACHE_CONTROL = 'private, no-cache';

/** Sends `no-store` unless a route says otherwise, so errors and every uncached answer carry it. */
export function noStoreByDefault(instance: FastifyInstance): void {
  instance.addHook('onRequest', (request, reply, done) => {
    void reply.header(CACHE_CONTROL_HEADER, NO_STORE);
    done();
  });
}
