/**
 * The top-level `auth`: the APSO CLI's provider onto apso's `auth`. Token providers (Auth0, Clerk,
 * Cognito) become `auth.jwt` with the issuer, audience and key set the file names; `api-key` becomes
 * `auth.apiKey`; providers that keep sessions in the service's own database are refused, since apso
 * generates no session store. What the CLI's auth context calls `workspaceId` and the like is kept for
 * scope.ts, which binds `scopeBy` to the claim it came from.
 */
import type { AuthSpec } from '../../schema/document';
import { apiKeySchema, claimName, jwtSchema } from '../../schema/schema';
import { type Diagnostics, describe, didYouMean, ptr, q } from './diagnostics';
import { has, isRecord, type Rec } from './values';

const JWT_PROVIDERS = ['auth0', 'clerk', 'cognito'] as const;
const SESSION_PROVIDERS = ['better-auth', 'custom-db-session'] as const;
const PROVIDERS = [...JWT_PROVIDERS, 'api-key', ...SESSION_PROVIDERS];
type JwtProvider = (typeof JWT_PROVIDERS)[number];

const PROVIDER_NAMES: Record<JwtProvider, string> = { auth0: 'Auth0', clerk: 'Clerk', cognito: 'Cognito' };
/** The organization claim each provider's tokens carry, as the APSO CLI's `setup_auth` writes it. */
const ORGANIZATION_CLAIM: Record<JwtProvider, string> = {
  auth0: 'org_id',
  clerk: 'org_id',
  cognito: 'custom:org_id',
};
/** apso pins a key set to these (src/platform/auth/token-verifier.ts), so `alg: none` or HS256 never pass. */
const JWKS_ALGORITHMS = ['RS256', 'ES256'];
const KNOWN_JWT_AUTH = new Set(['provider', 'jwt', 'claims', 'userEntity']);
const KNOWN_JWT = new Set(['issuer', 'audience', 'jwksUri', 'algorithms']);
const KNOWN_API_KEY_AUTH = new Set(['provider', 'apiKeyHeader', 'apiKeyEntity', 'workspaceField', 'roleField']);
/** The values of the CLI's auth context a scope can compare with (AuthContext in its src/lib/types/auth.ts). */
const CONTEXT_KEYS = ['userId', 'email', 'workspaceId', 'organizationId'];

/** The CLI's auth, as apso's; `claimOf` names the token claim a value of the CLI's auth context came from. */
export interface ImportedAuth {
  spec: AuthSpec;
  /** The claim holding the CLI's auth context key (`workspaceId` → `org_id`), with a note when assumed. */
  claimOf(contextKey: string): { claim: string; assumed?: string } | { problem: string };
  /** `api-key`: claims come from the key file, not from a provider's token. */
  apiKey: boolean;
}

/** `refused`: the file has an `auth` apso cannot honour (errors were reported); scopes are then not read. */
export type AuthImport = ImportedAuth | 'none' | 'refused';

export function readAuth(top: Rec, d: Diagnostics): AuthImport {
  if (!has(top, 'auth')) return 'none';
  const auth = top.auth;
  if (!isRecord(auth)) {
    d.error('/auth', `"auth" must be an object with a "provider", not ${describe(auth)}`);
    return 'refused';
  }
  const provider = auth.provider;
  if (typeof provider !== 'string' || !PROVIDERS.includes(provider)) {
    const hint = typeof provider === 'string' ? didYouMean(provider, PROVIDERS) : '';
    d.error(
      '/auth/provider',
      `${has(auth, 'provider') ? `unknown auth provider ${describe(provider)}` : '"auth" has no "provider"'}${hint}; use one of ${[...JWT_PROVIDERS, 'api-key'].map(q).join(', ')}`,
    );
    return 'refused';
  }
  if ((SESSION_PROVIDERS as readonly string[]).includes(provider)) {
    d.error(
      '/auth/provider',
      `the ${q(provider)} provider keeps sessions in the service's own database, which apso does not generate; use a token provider ("auth0", "clerk" or "cognito" with "jwt": { "issuer", "audience" }, or any provider that publishes a JWKS, such as Better Auth's jwt plugin) or "api-key"`,
    );
    return 'refused';
  }
  if (provider === 'api-key') return readApiKeyAuth(auth, d);
  return readJwtAuth(auth, provider as JwtProvider, d);
}

function warnUnknownKeys(o: Rec, pointer: string, known: Set<string>, what: string, d: Diagnostics): void {
  for (const key of Object.keys(o)) {
    if (!known.has(key)) d.warn(ptr(pointer, key), `unknown ${what} ${q(key)} is ignored${didYouMean(key, known)}`);
  }
}

function readApiKeyAuth(auth: Rec, d: Diagnostics): AuthImport {
  warnUnknownKeys(auth, '/auth', KNOWN_API_KEY_AUTH, 'auth option', d);
  const header = has(auth, 'apiKeyHeader') ? auth.apiKeyHeader : 'x-api-key';
  if (!apiKeySchema.shape.header.safeParse(header).success) {
    d.error(
      '/auth/apiKeyHeader',
      `"apiKeyHeader" must be a header name (letters, digits and dashes, starting with a letter), not ${describe(header)}`,
    );
    return 'refused';
  }
  d.warn(
    '/auth',
    `API keys are read from the ${q(header as string)} header, but apso checks them against the SHA-256 hashes in the file AUTH_API_KEYS_FILE names, each with the claims it grants, not against the APSO CLI's ${q(typeof auth.apiKeyEntity === 'string' ? auth.apiKeyEntity : 'ApiKey')} table; write that file before the service starts (docs/auth.md#api-keys)`,
  );
  return {
    spec: { apiKey: { header: header as string } },
    apiKey: true,
    // A key's entry in the file grants claims by name, so the CLI's context key is the claim.
    claimOf: (contextKey) => ({ claim: contextKey }),
  };
}

function readJwtAuth(auth: Rec, provider: JwtProvider, d: Diagnostics): AuthImport {
  warnUnknownKeys(auth, '/auth', KNOWN_JWT_AUTH, 'auth option', d);
  if (has(auth, 'userEntity'))
    d.warn('/auth/userEntity', `"userEntity" is ignored: apso trusts the token and keeps no copy of its users`);
  const claims = readClaims(auth, d);
  const jwt = readJwt(auth, provider, d);
  if (claims === undefined || jwt === undefined) return 'refused';
  const rolesClaim = claims.roles;
  const spec: AuthSpec = {
    jwt: { ...(rolesClaim !== undefined && rolesClaim !== 'roles' ? { rolesClaim } : {}), ...jwt },
  };
  return { spec, apiKey: false, claimOf: (contextKey) => jwtClaimOf(contextKey, claims, provider) };
}

/** `claims`: each value a claim name apso can read (a name, or a dotted path). */
function readClaims(auth: Rec, d: Diagnostics): Record<string, string> | undefined {
  if (!has(auth, 'claims')) return {};
  if (!isRecord(auth.claims)) {
    d.error('/auth/claims', `"claims" must be an object naming a claim per value, not ${describe(auth.claims)}`);
    return undefined;
  }
  const claims: Record<string, string> = {};
  let ok = true;
  for (const [key, value] of Object.entries(auth.claims)) {
    if (typeof value === 'string' && claimName.safeParse(value).success) claims[key] = value;
    else {
      d.error(
        ptr('/auth/claims', key),
        `claim ${describe(value)} cannot be read; name a claim (letters, digits, _ : / $ -), or a dotted path into nested claims`,
      );
      ok = false;
    }
  }
  return ok ? claims : undefined;
}

/** The claim holding a value of the CLI's auth context; its organization aliases and the provider's default. */
function jwtClaimOf(
  contextKey: string,
  claims: Record<string, string>,
  provider: JwtProvider,
): { claim: string; assumed?: string } | { problem: string } {
  const named = claims[contextKey];
  if (named !== undefined) return { claim: named };
  if (contextKey === 'userId') return { claim: 'sub' };
  if (contextKey === 'email') return { claim: 'email' };
  if (contextKey === 'workspaceId' || contextKey === 'organizationId') {
    // The CLI's auth context carries one tenant under both names.
    const alias = claims[contextKey === 'workspaceId' ? 'organizationId' : 'workspaceId'];
    if (alias !== undefined) return { claim: alias };
    const claim = ORGANIZATION_CLAIM[provider];
    return {
      claim,
      assumed: `"auth"."claims" does not say which claim holds it, so ${PROVIDER_NAMES[provider]}'s organization claim ${q(claim)} is read; set "claims": { ${q(contextKey)}: "…" } if your tokens carry it elsewhere`,
    };
  }
  return {
    problem: `the APSO CLI's auth context has no ${q(contextKey)} (it has ${CONTEXT_KEYS.map(q).join(', ')}), and "auth"."claims" does not name a claim for it; add "claims": { ${q(contextKey)}: "<claim>" }`,
  };
}

/** `jwt`: issuer, audience and the key set (its jwksUri, or the provider's well-known path under the issuer). */
function readJwt(auth: Rec, provider: JwtProvider, d: Diagnostics): AuthSpec['jwt'] | undefined {
  const name = PROVIDER_NAMES[provider];
  if (!has(auth, 'jwt')) {
    d.warn(
      '/auth',
      `${name} without "jwt": the key set, issuer and audience must come from AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE`,
    );
    return {};
  }
  if (!isRecord(auth.jwt)) {
    d.error('/auth/jwt', `"jwt" must be an object with "issuer" and "audience", not ${describe(auth.jwt)}`);
    return undefined;
  }
  const jwt = auth.jwt;
  warnUnknownKeys(jwt, '/auth/jwt', KNOWN_JWT, 'jwt option', d);
  const issuer = readText(jwt, 'issuer', d);
  const audience = readText(jwt, 'audience', d);
  const algorithmsOk = checkAlgorithms(jwt, d);
  const jwksUrl = readJwksUrl(jwt, issuer, d);
  if (issuer === null || audience === null || jwksUrl === null || !algorithmsOk) return undefined;
  if (audience === undefined)
    d.warn(
      '/auth/jwt/audience',
      `no audience: apso checks the "aud" of every token verified with a key set, so set AUTH_JWT_AUDIENCE, and have ${name} put it in its tokens`,
    );
  if (provider === 'cognito' && audience !== undefined)
    d.warn(
      '/auth/jwt/audience',
      `Cognito puts the app client id in the "aud" of its ID tokens only (its access tokens carry "client_id" and no "aud"), and apso checks "aud": callers must send ID tokens`,
    );
  for (const [key, value] of [
    ['issuer', issuer],
    ['audience', audience],
  ] as const) {
    if (value !== undefined && /YOUR_|\bREGION\b|POOL_ID/.test(value))
      d.warn(ptr('/auth/jwt', key), `${key} ${q(value)} looks like a placeholder; write your ${name} tenant's value`);
  }
  return {
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
    ...(jwksUrl === undefined ? {} : { jwksUrl }),
  };
}

/** A non-empty string, `undefined` when absent or empty (the CLI's Clerk template writes `""`), null when wrong. */
function readText(jwt: Rec, key: 'issuer' | 'audience', d: Diagnostics): string | undefined | null {
  if (!has(jwt, key)) return undefined;
  const value = jwt[key];
  if (typeof value !== 'string' || value.length > 2000) {
    d.error(ptr('/auth/jwt', key), `${q(key)} must be a string, not ${describe(value)}`);
    return null;
  }
  return value.trim() === '' ? undefined : value.trim();
}

function checkAlgorithms(jwt: Rec, d: Diagnostics): boolean {
  if (!has(jwt, 'algorithms')) return true;
  const list = jwt.algorithms;
  const wrong = Array.isArray(list)
    ? list.filter((a) => typeof a !== 'string' || !JWKS_ALGORITHMS.includes(a))
    : [list];
  if (Array.isArray(list) && list.length > 0 && wrong.length === 0) return true;
  d.error(
    '/auth/jwt/algorithms',
    `${Array.isArray(list) && list.length > 0 ? `algorithm ${wrong.map(describe).join(', ')} is` : `"algorithms" must list RS256 or ES256; ${describe(list)} is`} not accepted: apso verifies tokens from a key set with RS256 and ES256 only (HS256 needs a shared secret, AUTH_JWT_SECRET, and no provider); remove "algorithms" or list only "RS256" and "ES256"`,
  );
  return false;
}

/** The key set: `jwksUri`, else `<issuer>/.well-known/jwks.json` as the CLI documents (Auth0, Clerk and Cognito serve it there). */
function readJwksUrl(jwt: Rec, issuer: string | undefined | null, d: Diagnostics): string | undefined | null {
  const url = jwtSchema.shape.jwksUrl;
  if (has(jwt, 'jwksUri')) {
    if (url.safeParse(jwt.jwksUri).success) return jwt.jwksUri as string;
    d.error(
      '/auth/jwt/jwksUri',
      `"jwksUri" must be an https:// (or http://) URL without credentials, not ${describe(jwt.jwksUri)}`,
    );
    return null;
  }
  if (issuer === undefined || issuer === null) return undefined;
  const derived = `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  if (url.safeParse(derived).success) return derived;
  d.error(
    '/auth/jwt/issuer',
    `issuer ${q(issuer)} is not an https:// URL, so the key set cannot be found under it; add "jwksUri"`,
  );
  return null;
}
