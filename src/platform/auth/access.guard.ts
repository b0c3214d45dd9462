import { CanActivate, ExecutionContext, HttpException, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { errorBody } from '../http/error-body';
import { AUTH_FAILURES, AuthFailureLabel } from '../metrics/metric-names';
import { ACCESS_METADATA, AccessRule } from './access.decorator';
import { ApiKeyFailure, ApiKeyStore } from './api-key-store';
import { AuthFailure } from './auth-failure';
import { type Claims, setClaimsOf } from './principal';
import { AUTH_SETTINGS, type AuthSettings, TokenVerifier } from './token-verifier';

/** Seconds a client should wait before retrying when the key set could not be fetched. */
const KEYS_RETRY_AFTER_SECONDS = 5;

/**
 * The one gate of every route when the schema has `auth` (registered as APP_GUARD by AuthModule).
 * A handler without a rule is `authenticated`: a route added by hand, or one the generator forgot,
 * is closed rather than open. Guards run before interceptors, so a refused request never reaches
 * the cache. With `auth.apiKey` an API key in its header is the other credential (api-key-store.ts).
 * Neither a token nor a key is ever logged nor echoed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @InjectMetric(AUTH_FAILURES.name) private readonly failures: Counter<AuthFailureLabel>,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Optional() @Inject(ApiKeyStore) private readonly apiKeys?: ApiKeyStore,
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
      setClaimsOf(request, await this.authorize(rule, request));
      return true;
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      this.failures.inc({ reason: error.reason });
      // Operators must hear of an unreachable key set; refused tokens are the clients' business (and the metric's).
      if (error.reason === 'unavailable') request.log?.warn('the JWKS could not be fetched');
      throw refusal(error, http.getResponse<FastifyReply>(), this.settings.apiKey?.header);
    }
  }

  /** The verified claims of a request the rule admits; an AuthFailure otherwise. */
  private async authorize(rule: Exclude<AccessRule, 'public'>, request: FastifyRequest): Promise<Claims> {
    const claims = await this.claimsOf(request);
    if (rule === 'authenticated') return claims;
    const roles = new Set(this.verifier.roles(claims));
    if (!rule.roles.some((role) => roles.has(role)))
      throw new AuthFailure('forbidden', `This operation needs one of the roles: ${rule.roles.join(', ')}`);
    return claims;
  }

  /**
   * The claims of the request's one credential: a verified bearer token's payload, or what its API key
   * grants. Both at once is refused: which one should decide is a guess, and a client sending both is
   * most likely misconfigured.
   */
  private async claimsOf(request: FastifyRequest): Promise<Claims> {
    const [store, header] = [this.apiKeys, this.settings.apiKey?.header];
    const key = store === undefined || header === undefined ? undefined : request.headers[header];
    if (key === undefined || store === undefined)
      return this.verifier.verify(bearerToken(request.headers.authorization));
    if (request.headers.authorization !== undefined)
      throw new ApiKeyFailure('invalid', 'Send one credential: a bearer token or an API key, not both');
    if (typeof key !== 'string' || key.trim() === '')
      throw new ApiKeyFailure('invalid', `The ${header} header must hold exactly one API key`);
    return store.claimsOf(key.trim());
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
 * RFC 6750: 401 with a Bearer challenge, carrying `error="invalid_token"` only when a token was sent.
 * A refused API key (unknown, expired, or sent along with a token) gets a bare `ApiKey header="…"`
 * challenge instead: nothing is wrong with a token, and RFC 9110 wants a challenge on every 401.
 * 403 when the token is good but its roles do not grant the operation; 503 with Retry-After when the
 * key set could not be fetched, since the token may well be valid and a 401 would send the client to
 * log in again for nothing.
 */
function refusal(failure: AuthFailure, reply: FastifyReply, keyHeader?: string): HttpException {
  if (failure.reason === 'forbidden') return new HttpException(errorBody(403, failure.description), 403);
  if (failure.reason === 'unavailable') {
    void reply.header('Retry-After', String(KEYS_RETRY_AFTER_SECONDS));
    return new HttpException(errorBody(503, failure.description), 503);
  }
  const challenge =
    failure instanceof ApiKeyFailure
      ? `ApiKey header="${keyHeader}"`
      : failure.reason === 'missing'
        ? 'Bearer'
        : `Bearer error="invalid_token", error_description="${failure.description}"`;
  void reply.header('WWW-Authenticate', challenge);
  return new HttpException(errorBody(401, failure.description), 401);
}
