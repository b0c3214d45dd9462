import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';
import { HttpRequestLabel, UNMATCHED_ROUTE } from './metric-names';

/**
 * Records every response's duration, labelled with the route TEMPLATE (`/tasks/:id`) so label
 * cardinality stays bounded. The only Fastify-specific piece of the metrics: swap it with the adapter.
 */
export function recordHttpDurations(fastify: FastifyInstance, durations: Histogram<HttpRequestLabel>): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    durations.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
