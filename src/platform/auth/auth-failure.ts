/** Values of the `reason` label of auth_failures_total. */
export const AUTH_FAILURE_REASONS = [
  'missing',
  'invalid',
  'expired',
  'not_yet_valid',
  'wrong_issuer',
  'wrong_audience',
  'forbidden',
  'unavailable',
] as const;

export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

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
