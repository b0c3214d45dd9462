import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { errorBody } from '../http/error-body';
import { AUTH_FAILURES, AuthFailureLabel } from '../metrics/metric-names';
import { ACCESS_METADATA, AccessRule } from './access.decorator';
import { AuthFailure } from './auth-failure';
import { Claims, setClaimsOf } from './principal';
import { TokenVerifier } from './token-verifier';

/** Seconds a client should wait before retrying when the key set could not be fetched. */
const KEYS_RETRY_AFTER_SECONDS = 5;

/**
 * The one gate of every route when the schema has `auth` (registered as APP_GUARD by AuthModule).
 * A handler without a rule is `authenticated`: a route added by hand, or one the generator forgot,
 * is closed rather than open. Guards run before interceptors, so a refused request never reaches
 * the cache. The token itself is never logged nor echoed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @InjectMetric(AUTH_FAILURES.name) private readonly failures: Counter<AuthFailureLabel>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'authenticated';
    if (rule === 'public') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    try {
      setClaimsOf(request, await this.authorize(rule, request.headers.authorization));
      return true;
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      this.failures.inc({ reason: error.reason });
      // Operators must hear of an unreachable key set; refused tokens are the clients' business (and the metric's).
      if (error.reason === 'unavailable') request.log?.warn('the JWKS could not be fetched');
      throw refusal(error, http.getResponse<FastifyReply>());
    }
  }

  /** The verified claims of a request the rule admits; an AuthFailure otherwise. */
  private async authorize(rule: Exclude<AccessRule, 'public'>, header: string | undefined): Promise<Claims> {
    const token = bearerToken(header);
    const payload = await this.verifier.verify(token);
    if (rule === 'authenticated') return payload;
    const roles = new Set(this.verifier.roles(payload));
    if (!rule.roles.some((role) => roles.has(role)))
      throw new AuthFailure('forbidden', `This operation needs one of the roles: ${rule.roles.join(', ')}`);
    return payload;
  }
}

/** The token of an `Authorization: Bearer <token>` header; any other scheme counts as no token. */
function bearerToken(header: string | undefined): string {
  const match = /^Bearer(?:\s+(.*))?$/i.exec((header ?? '').trim());
  if (!match) throw new AuthFailure('missing', 'This operation needs a bearer token');
  const token = match[1]?.trim() ?? '';
  if (token === '' || /\s/.test(token)) throw new AuthFailure('invalid', 'The bearer token is empty or malformed');
  return token;
}

/**
 * RFC 6750: 401 with a Bearer challenge, carrying `error="invalid_token"` only when a token was sent;
 * 403 when the token is good but its roles do not grant the operation; 503 with Retry-After when the
 * key set could not be fetched, since the token may well be valid and a 401 would send the client to
 * log in again for nothing.
 */
function refusal(failure: AuthFailure, reply: FastifyReply): HttpException {
  if (failure.reason === 'forbidden') return new HttpException(errorBody(403, failure.description), 403);
  if (failure.reason === 'unavailable') {
    void reply.header('Retry-After', String(KEYS_RETRY_AFTER_SECONDS));
    return new HttpException(errorBody(503, failure.description), 503);
  }
  const challenge =
    failure.reason === 'missing'
      ? 'Bearer'
      : `Bearer error="invalid_token", error_description="${failure.description}"`;
  void reply.header('WWW-Authenticate', challenge);
  return new HttpException(errorBody(401, failure.description), 401);
}
