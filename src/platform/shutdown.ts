import { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShutdownState } from './health/shutdown-state';

/**
 * Graceful shutdown for SIGTERM (Kubernetes) and SIGINT (Ctrl-C):
 * 1. readiness turns 503 so the load balancer stops sending traffic, while requests are still served;
 * 2. after `drainMs` the HTTP server stops accepting and waits for in-flight requests;
 * 3. then Nest closes the rest (Redis client, both TypeORM pools) and the process exits 0.
 * The HTTP server is closed first on purpose: Nest's own close() runs module destroy hooks (which
 * disconnect Redis) before it closes the server, which would fail requests still in flight.
 * A second signal exits at once.
 */
/**
 * While draining, every response asks the client to close its connection. Without this, a keep-alive
 * connection that was busy when the server closed stays open after its last response until Fastify's
 * keep-alive timeout (72 s), and the process cannot exit; clients also reconnect to a pod that is ready.
 */
export function closeConnectionsWhileDraining(app: NestFastifyApplication): void {
  const state = app.get(ShutdownState);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply) => {
      if (state.draining) void reply.header('connection', 'close');
    });
}

export function shutdownOnSignals(app: INestApplication, drainMs: number, logger: Logger): void {
  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal, exiting immediately');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal, drainMs }, 'shutting down');
    app.get(ShutdownState).startDraining();
    try {
      await sleep(drainMs);
      await app.getHttpAdapter().close();
      await app.close();
      logger.info('shutdown complete');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void shutdown(s));
}
