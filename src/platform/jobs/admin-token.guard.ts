import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { errorBody, ErrorBody } from '../http/error-body';
import { UNKNOWN_ROUTE } from '../http/exception.filter';
import { AUTH_FAILURES, AuthFailureLabel } from '../metrics/metric-names';

/** The challenge of the queue board: browsers prompt for a password (the token) on a Basic challenge. */
export const BOARD_CHALLENGE = 'Basic realm="apso jobs"';
/** The challenge of the JSON routes, which scripts call with `Authorization: Bearer <token>`. */
export const API_CHALLENGE = 'Bearer';

/** Which credentials a route takes: the API a bearer token only; the board Basic auth (the token as password) too. */
export type AdminCredentials = 'bearer' | 'bearer-or-basic';

/** Why a request was refused; the `reason` of auth_failures_total (the token itself is never logged nor echoed). */
export type AdminRefusal = 'missing' | 'invalid';

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The token a request carries: a bearer token, or (board) the password of Basic credentials. */
function presentedToken(authorization: string | undefined, accepted: AdminCredentials): string | undefined {
  const header = (authorization ?? '').trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = accepted === 'bearer-or-basic' ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * JOBS_ADMIN_TOKEN, which opens the job routes and the queue board. Compared as SHA-256 digests in
 * constant time: equal lengths whatever was sent, so neither the token's length nor its prefix leaks
 * through the time a refusal takes. Unset, the feature is off and its routes answer as absent.
 */
export class AdminToken {
  private readonly digest?: Buffer;

  constructor(token: string | undefined) {
    if (token !== undefined) this.digest = sha256(token);
  }

  get enabled(): boolean {
    return this.digest !== undefined;
  }

  /** undefined when the request may pass; why not otherwise. */
  refusal(authorization: string | undefined, accepted: AdminCredentials): AdminRefusal | undefined {
    const token = presentedToken(authorization, accepted);
    if (token === undefined) return 'missing';
    return this.digest !== undefined && timingSafeEqual(sha256(token), this.digest) ? undefined : 'invalid';
  }
}

/** The 404 of a route that is off: the same body as a path nothing serves. */
export function absentRouteBody(): ErrorBody {
  return errorBody(404, UNKNOWN_ROUTE);
}

export function refusalBody(reason: AdminRefusal): ErrorBody {
  return errorBody(
    401,
    reason === 'missing' ? 'This operation needs the jobs admin token' : 'The jobs admin token is not valid',
  );
}

/**
 * The gate of the job routes (jobs.controller.ts), which the schema's access guard lets through as
 * public: a JWT or API key of the API opens nothing here, the admin token alone does.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(AdminToken) private readonly token: AdminToken,
    @InjectMetric(AUTH_FAILURES.name) private readonly failures: Counter<AuthFailureLabel>,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.token.enabled) throw new HttpException(absentRouteBody(), 404);
    const http = context.switchToHttp();
    const refusal = this.token.refusal(http.getRequest<FastifyRequest>().headers.authorization, 'bearer');
    if (refusal === undefined) return true;
    this.failures.inc({ reason: refusal });
    void http.getResponse<FastifyReply>().header('WWW-Authenticate', API_CHALLENGE);
    throw new HttpException(refusalBody(refusal), 401);
  }
}
