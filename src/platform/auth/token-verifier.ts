import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthFailure } from './auth-failure';
import { type Claims, claimAt } from './principal';
import type { AuthKeyConfig } from '../config/config';

/** What the schema says about tokens (src/generated/auth.ts). */
export interface AuthSettings {
  /** A claim name, or a dotted path into nested claims (`realm_access.roles`). */
  readonly rolesClaim: string;
  readonly clockToleranceSeconds: number;
  /** The schema's issuer, audience and key set, used where AUTH_* leave them unset. */
  readonly issuer?: string;
  readonly audience?: string;
  readonly jwksUrl?: string;
  /** API keys are accepted too, in this header (lowercase); absent: bearer tokens only. */
  readonly apiKey?: { readonly header: string };
}

/** The injection token of the AuthSettings the app was built with. */
export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');

/**
 * Algorithms are pinned to the key source: a shared secret verifies HS256 only, a JWKS RS256 and ES256
 * only. So `alg: none`, and an HS256 token "signed" with a JWKS public key, are refused before any key
 * is looked at.
 */
const SECRET_ALGORITHMS = ['HS256'];
const JWKS_ALGORITHMS = ['RS256', 'ES256'];

/** The key set could not be fetched (timeout, network, a non-200 or non-JSON answer): no fault of the token. */
class KeySourceUnavailable extends Error {}

/** Verifies bearer tokens with jose and says why one is refused (AuthFailure). */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(
    private readonly settings: AuthSettings,
    private readonly keys: AuthKeyConfig,
  ) {
    if (keys.kind === 'secret') {
      this.key = new TextEncoder().encode(keys.secret);
      this.algorithms = SECRET_ALGORITHMS;
    } else {
      this.key = availableOrFailing(
        // jose caches the set, refetches it for an unknown kid (once per cooldown), and aborts a fetch after the timeout.
        createRemoteJWKSet(new URL(keys.jwksUrl), {
          timeoutDuration: keys.jwksTimeoutMs,
          cooldownDuration: keys.jwksCooldownMs,
        }),
      );
      this.algorithms = JWKS_ALGORITHMS;
    }
  }

  async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.algorithms,
        // A token without an expiry would be a credential for ever: refused, as identity providers always set one.
        requiredClaims: ['exp'],
        clockTolerance: this.settings.clockToleranceSeconds,
        ...(this.keys.issuer === undefined ? {} : { issuer: this.keys.issuer }),
        ...(this.keys.audience === undefined ? {} : { audience: this.keys.audience }),
      });
      return payload;
    } catch (error) {
      throw failureOf(error);
    }
  }

  /**
   * The roles the token (or an API key's claims) grants: the claim's strings (a lone string counts as one role). A claim whose
   * own name holds dots (Auth0's namespaced `https://example.com/roles`) is read as named; otherwise the
   * name is a path into nested claims (Keycloak's `realm_access.roles`).
   */
  roles(payload: Claims): string[] {
    const value = claimAt(payload, this.settings.rolesClaim);
    if (typeof value === 'string') return [value];
    return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
  }
}

function availableOrFailing(jwks: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      const tokenProblem =
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported;
      throw tokenProblem ? error : new KeySourceUnavailable();
    }
  };
}

function failureOf(error: unknown): AuthFailure {
  if (error instanceof KeySourceUnavailable)
    return new AuthFailure('unavailable', 'The keys that verify tokens cannot be fetched right now');
  if (error instanceof errors.JWTExpired) return new AuthFailure('expired', 'The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new AuthFailure('not_yet_valid', 'The token is not valid yet');
    if (error.claim === 'iss') return new AuthFailure('wrong_issuer', 'The token was issued by another issuer');
    if (error.claim === 'aud') return new AuthFailure('wrong_audience', 'The token is meant for another audience');
    if (error.claim === 'exp') return new AuthFailure('invalid', 'The token has no expiry (exp)');
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return new AuthFailure('invalid', 'No key of the key set matches the token');
  return new AuthFailure('invalid', 'The token is malformed or its signature does not verify');
}
