import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/request-id';
import { guardRequestBodies } from './body-guard';

/**
 * The HTTP server: Fastify logging through the process's pino instance, every request carrying an id
 * (the caller's X-Request-Id when well-formed) that is bound to its log lines and echoed back, and
 * every request body checked before a route sees it.
 */
export function createFastifyAdapter(config: AppConfig, logger: Logger): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: config.httpBodyLimitBytes,
    loggerInstance: logger,
    genReqId: requestIdOf,
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  guardRequestBodies(adapter);
  return adapter;
}
