import { ForbiddenException } from '@nestjs/common';

/** Values of the `reason` label of auth_failures_total. */
export const AUTH_FAILURE_REASONS = [
  'missing',
  'invalid',
  'expired',
  'not_yet_valid',
  'wrong_issuer',
  'wrong_audience',
  'forbidden',
  'scope_claim',
  'unavailable',
] as const;

export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/**
 * A 403 for a token that passes the access rule but lacks the claim a scoped resource is scoped by
 * (or holds one of the wrong type). Thrown by the services, where the resource is known; counted as
 * `scope_claim` by ClaimsContextInterceptor.
 */
export class ScopeClaimRefusal extends ForbiddenException {}

/**
 * Why a request was refused. The description goes into the response's problem and the
 * WWW-Authenticate header, so it names what is wrong in general terms and never echoes the token.
 */
export class AuthFailure extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    readonly description: string,
  ) {
    super(description);
  }
}
