import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { type Observable, tap } from 'rxjs';
import { AUTH_FAILURES, AuthFailureLabel } from '../metrics/metric-names';
import { ScopeClaimRefusal } from './auth-failure';

/** The claims of a verified credential: a token's payload. */
export type Claims = Readonly<Record<string, unknown>>;

/** Where the access guard leaves a request's verified claims; a symbol, so no body or header can set it. */
const CLAIMS = Symbol('apso.claims');

const requestClaims = new AsyncLocalStorage<Claims>();

/** Called by the access guard once the credential is verified. */
export function setClaimsOf(request: object, claims: Claims): void {
  (request as { [CLAIMS]?: Claims })[CLAIMS] = claims;
}

/** The verified claims of a request; undefined on a public route, or without authentication. */
export function claimsOf(request: object): Claims | undefined {
  return (request as { [CLAIMS]?: Claims })[CLAIMS];
}

/**
 * The claims of the request being handled, for code that does not see the request (services, the row
 * scope). Undefined outside a request and on routes that verified no credential.
 */
export function currentClaims(): Claims | undefined {
  return requestClaims.getStore();
}

/**
 * Runs `work` as the holder of `claims`: how code outside a request (a job, a script, a test) reads or
 * writes scoped rows, which otherwise refuse to run without a caller to scope them by.
 */
export function runAs<T>(claims: Claims, work: () => T): T {
  return requestClaims.run(claims, work);
}

/**
 * Makes the guard's verified claims the handler's currentClaims(). Nest binds each `next.handle()`
 * to the async context it is called in (AsyncResource.bind), so the handler and everything it awaits
 * run inside runAs; the store is the request's own, never shared with another request.
 */
@Injectable()
export class ClaimsContextInterceptor implements NestInterceptor {
  constructor(@InjectMetric(AUTH_FAILURES.name) private readonly failures: Counter<AuthFailureLabel>) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const claims = claimsOf(context.switchToHttp().getRequest<object>());
    const handled = claims === undefined ? next.handle() : runAs(claims, () => next.handle());
    // The guard counts its own refusals; a token without the scope claim is refused past it, by the service.
    return handled.pipe(
      tap({
        error: (error: unknown) => error instanceof ScopeClaimRefusal && this.failures.inc({ reason: 'scope_claim' }),
      }),
    );
  }
}

/**
 * The value of a claim: a claim of exactly that name first (Auth0's namespaced
 * `https://example.com/roles` holds dots), else the name as a dotted path into nested claims
 * (Keycloak's `realm_access.roles`).
 */
export function claimAt(claims: Claims, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    value =
      value !== null && typeof value === 'object' && Object.hasOwn(value, part)
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  return value;
}
