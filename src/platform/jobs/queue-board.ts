import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { errorHandler as boardErrorHandler } from '@bull-board/api/dist/handlers/error';
import type { AppControllerRoute, ControllerHandlerReturnType, HTTPStatus } from '@bull-board/api/dist/types';
import { FastifyAdapter as BoardFastifyAdapter } from '@bull-board/fastify';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Counter } from 'prom-client';
import { errorBody, replyWithProblem } from '../http/error-body';
import { AUTH_FAILURES, AuthFailureLabel } from '../metrics/metric-names';
import { AdminQueues, JobsRedisUnavailable } from './admin-queues';
import { AdminToken, BOARD_CHALLENGE, refusalBody } from './admin-token.guard';

/** Where Bull Board is served: its page, its assets and its JSON API (`/admin/queues/api/queues`). */
export const BOARD_PATH = '/admin/queues';

/**
 * Bull Board's Fastify adapter with every call of its JSON API bounded by AdminQueues' time limit,
 * and Redis not answering reported as 503 rather than its generic 500.
 */
class BoundedBoardAdapter extends BoardFastifyAdapter {
  constructor(private readonly queues: AdminQueues) {
    super();
  }

  override setApiRoutes(routes: AppControllerRoute[]): BoardFastifyAdapter {
    return super.setApiRoutes(
      routes.map((route) => ({
        ...route,
        handler: (request) => this.queues.withinTimeout(async () => route.handler(request)),
      })),
    );
  }

  override setErrorHandler(handler: (error: Error) => ControllerHandlerReturnType): this {
    return super.setErrorHandler((error) => (error instanceof JobsRedisUnavailable ? unavailable() : handler(error)));
  }
}

/** Bull Board's status type lists the codes it answers itself; its Fastify adapter sends any. */
function unavailable(): ControllerHandlerReturnType {
  return { status: 503 as HTTPStatus, body: { ...errorBody(503, 'The job queue is temporarily unavailable') } };
}

/**
 * Mounts Bull Board on the app's Fastify instance, for both queues, behind the admin token (Bearer,
 * or Basic with the token as password so that a browser can prompt for it). Mounted while the app
 * initializes, before Fastify starts, so it is there however the app was built (bootstrap, tests).
 * Without a token nothing is mounted and the paths answer 404 like any path nothing serves.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AdminQueues) private readonly queues: AdminQueues,
    @Inject(AdminToken) private readonly token: AdminToken,
    @InjectMetric(AUTH_FAILURES.name) private readonly failures: Counter<AuthFailureLabel>,
  ) {}

  onModuleInit(): void {
    if (!this.token.enabled) return;
    const board = new BoundedBoardAdapter(this.queues);
    board.setBasePath(BOARD_PATH);
    createBullBoard({
      queues: [new BullMQAdapter(this.queues.webhooks), new BullMQAdapter(this.queues.deadLetters)],
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'apso jobs' } },
    });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(
      async (scope) => {
        // Inside the plugin's scope: the hook guards the board's routes and no others.
        scope.addHook('onRequest', (request, reply, done) => this.admit(request, reply, done));
        await scope.register(board.registerPlugin());
      },
      { prefix: BOARD_PATH },
    );
  }

  private admit(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const refusal = this.token.refusal(request.headers.authorization, 'bearer-or-basic');
    if (refusal === undefined) return done();
    this.failures.inc({ reason: refusal });
    void reply.header('WWW-Authenticate', BOARD_CHALLENGE);
    // An answered request goes no further, so done() is not called for it.
    replyWithProblem(reply, refusalBody(refusal));
  }
}
