import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { maskUrl } from './mask-url';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  readonly databaseUrl: string;
  readonly databaseReplicaUrl: string;
  readonly redisUrl: string;
  /** Second segment of every cache key (`apso:<namespace>:...`); see defaultCacheNamespace. */
  readonly cacheNamespace: string;
  /** Longest wait for any one Redis call before the cache gives up on it and the database answers. */
  readonly cacheTimeoutMs: number;
  /** Consecutive failed or timed-out Redis calls after which the cache circuit opens. */
  readonly cacheBreakerFailures: number;
  /** How long an open cache circuit skips Redis before one call probes it again. */
  readonly cacheBreakerCooldownMs: number;
  /** Answers whose JSON is larger than this are served but not cached. */
  readonly cacheMaxEntryBytes: number;
  /** How long the lock an instance takes to read a missing entry from the database lives at most. */
  readonly cacheLockTtlMs: number;
  /** Longest wait for another instance holding an entry's lock to store it; 0 turns the lock off. */
  readonly cacheLockWaitMs: number;
  /** How often the relay applies the cache invalidations a write could not apply itself. */
  readonly cacheRelayIntervalMs: number;
  /** Outbox rows younger than this are left to the write that recorded them (its inline move). */
  readonly cacheRelayAgeMs: number;
  readonly port: number;
  readonly host: string;
  /** The URL clients reach the API at (PUBLIC_URL), the OpenAPI document's server; unset: `/`, relative. */
  readonly publicUrl?: string;
  readonly dbPoolMax: number;
  readonly dbReplicaPoolMax: number;
  readonly dbIdleTimeoutMs: number;
  readonly dbConnectTimeoutMs: number;
  readonly dbStatementTimeoutMs: number;
  /**
   * The database URLs go through a transaction pooler (PgBouncer): no startup parameter it would
   * refuse is sent, the pooler's connect_query sets statement_timeout, and migrations refuse to run.
   */
  readonly dbTransactionPooling: boolean;
  /** Consecutive replica connectivity faults after which reads skip the replica. */
  readonly replicaBreakerFailures: number;
  /** How long reads skip a failing replica before one read probes it again. */
  readonly replicaBreakerCooldownMs: number;
  readonly httpBodyLimitBytes: number;
  readonly httpBodyMaxValues: number;
  /** Time for a request's headers to arrive (Node's headersTimeout); then 408 and the connection is closed. */
  readonly httpHeadersTimeoutMs: number;
  /** Time for a whole request, headers and body, to arrive (requestTimeout); then 408 and close. */
  readonly httpRequestTimeoutMs: number;
  /** Longest silence on a connection while a request is in progress (Fastify's connectionTimeout). */
  readonly httpConnectionTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  readonly httpKeepAliveTimeoutMs: number;
  /** How long /health/ready reports 503 after SIGTERM before the server stops accepting connections. */
  readonly shutdownDrainMs: number;
  readonly logLevel: LogLevel;
  /** Cross-origin requests browsers may make; null (the default) answers none of them as CORS. */
  readonly cors: CorsConfig | null;
  /** The AUTH_* variables; authKeys() completes them with the schema's. Used only when the schema has `auth`. */
  readonly auth: AuthEnvironment;
  /** The file of API key hashes (AUTH_API_KEYS_FILE); required only when the schema has `auth.apiKey`. */
  readonly apiKeysFile?: string;
  /** Background work (docs/jobs.md): used only when the schema has events or webhooks. */
  readonly jobs: JobsEnvironment;
}

/** The JOBS_*, WORKER_* and EVENT_* variables. */
export interface JobsEnvironment {
  /** The Redis of the queues (JOBS_REDIS_URL), else REDIS_URL; BullMQ needs `maxmemory-policy noeviction`. */
  readonly redisUrl: string;
  /** Opens GET /jobs/:id, the dead letters and the queue board (docs/jobs.md); unset: they answer 404. */
  readonly adminToken?: string;
  /** The worker's port for /metrics and /health. */
  readonly workerPort: number;
  /** How often the worker's relay moves recorded events to the queue. */
  readonly relayIntervalMs: number;
  /** How long a worker's claim on an active job lasts without renewal; a killed worker's jobs run again after it. */
  readonly lockMs: number;
  /** On SIGTERM, how long the worker waits for its active jobs before handing them back. */
  readonly shutdownMs: number;
}

/** What the environment says about bearer tokens' keys; each value set overrides the schema's. */
export interface AuthEnvironment {
  readonly secret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Longest wait for the key set; then the request is answered 503. */
  readonly jwksTimeoutMs: number;
  /** Least time between two fetches of the key set for a token whose kid it lacks. */
  readonly jwksCooldownMs: number;
}

/** What the schema's `auth.jwt` names (src/generated/auth.ts): the defaults the environment overrides. */
export interface AuthDefaults {
  readonly issuer?: string;
  readonly audience?: string;
  readonly jwksUrl?: string;
}

/** A shared HS256 secret, or a JWKS URL (RS256/ES256); issuer and audience are checked when set. */
export type AuthKeyConfig = (
  | { readonly kind: 'secret'; readonly secret: string }
  | {
      readonly kind: 'jwks';
      readonly jwksUrl: string;
      /** Longest wait for the key set; then the request is answered 503. */
      readonly jwksTimeoutMs: number;
      /** Least time between two fetches of the key set for a token whose kid it lacks. */
      readonly jwksCooldownMs: number;
    }
) & { readonly issuer?: string; readonly audience?: string };

export interface CorsConfig {
  /** The origins whose pages may call the API, exactly as browsers send them, or `*` for any. */
  readonly origins: readonly string[] | '*';
  /** Whether browsers may send cookies and HTTP authentication along (never with `*`). */
  readonly credentials: boolean;
  /** How long a browser may reuse a preflight's answer (Access-Control-Max-Age). */
  readonly maxAgeSeconds: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function urlWithProtocols(protocols: readonly string[]) {
  const expected = protocols.map((p) => `${p}//`).join(' or ');
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: (issue) => `must be a ${expected} URL (got ${maskUrl(String(issue.input))})` },
  );
}

function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .default(String(fallback))
    .refine((value) => /^\d+$/.test(value.trim()) && Number(value) >= min && Number(value) <= max, {
      error: `must be an integer from ${min} to ${max}`,
    })
    .transform(Number);
}

const postgresUrl = urlWithProtocols(['postgres:', 'postgresql:']);

/** `https://app.example.com`, `http://localhost:5173`: what a browser sends in Origin, nothing more. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    // Origins are compared exactly: `https://*.example.com` would be a host named `*.example.com`.
    const wildcard = url.hostname.includes('*');
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value && !wildcard;
  } catch {
    return false;
  }
}

function originList(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

/** What is wrong with CORS_ORIGINS, or undefined. Origins are compared exactly, so each must be spelled as browsers send it. */
function corsOriginsProblem(value: string): string | undefined {
  const origins = originList(value);
  if (origins.includes('*')) return origins.length === 1 ? undefined : 'must be * alone or a list of origins, not both';
  const invalid = origins.filter((origin) => !isOrigin(origin));
  if (invalid.length === 0) return undefined;
  return (
    'must be * or comma-separated origins as browsers send them, like https://app.example.com ' +
    `(scheme, lowercase host and port only, no path or trailing slash); not an origin: ${invalid.join(', ')}`
  );
}

const corsOrigins = z
  .string()
  .refine((value) => corsOriginsProblem(value) === undefined, {
    error: (issue) => corsOriginsProblem(String(issue.input)),
  })
  .transform((value): readonly string[] | '*' => (value.trim() === '*' ? '*' : originList(value)));

const BOOLEAN_VALUES = ['true', 'false'] as const;

/** Safe inside a Redis key and its hash tag: no braces, colons, spaces or wildcards. */
const CACHE_NAMESPACE = /^[A-Za-z0-9._-]{1,64}$/;

const schema = z.object({
  DATABASE_URL: postgresUrl,
  DATABASE_REPLICA_URL: postgresUrl.optional(),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']),
  CACHE_NAMESPACE: z
    .string()
    .regex(CACHE_NAMESPACE, { error: 'must be 1 to 64 letters, digits, ".", "_" or "-"' })
    .optional(),
  CACHE_TIMEOUT_MS: integer(1, 10_000, 150),
  CACHE_BREAKER_FAILURES: integer(1, 1000, 5),
  CACHE_BREAKER_COOLDOWN_MS: integer(100, 600_000, 5_000),
  CACHE_MAX_ENTRY_BYTES: integer(1, 67_108_864, 262_144),
  CACHE_LOCK_TTL_MS: integer(100, 600_000, 5_000),
  CACHE_LOCK_WAIT_MS: integer(0, 60_000, 500),
  CACHE_RELAY_INTERVAL_MS: integer(50, 60_000, 1_000),
  CACHE_RELAY_AGE_MS: integer(0, 60_000, 1_000),
  PORT: integer(0, 65535, 3000),
  HOST: z.string().min(1, { error: 'must not be empty' }).default('0.0.0.0'),
  PUBLIC_URL: urlWithProtocols(['http:', 'https:']).optional(),
  DB_POOL_MAX: integer(1, 1000, 10),
  DB_REPLICA_POOL_MAX: integer(1, 1000, 10),
  DB_IDLE_TIMEOUT_MS: integer(0, 3_600_000, 10_000),
  DB_CONNECT_TIMEOUT_MS: integer(1, 600_000, 5_000),
  DB_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000, 15_000),
  DB_TRANSACTION_POOLING: z
    .enum(BOOLEAN_VALUES, { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  REPLICA_BREAKER_FAILURES: integer(1, 1000, 3),
  REPLICA_BREAKER_COOLDOWN_MS: integer(100, 600_000, 10_000),
  HTTP_BODY_LIMIT_BYTES: integer(1, 1_073_741_824, 1_048_576),
  HTTP_BODY_MAX_VALUES: integer(1, 10_000_000, 20_000),
  HTTP_HEADERS_TIMEOUT_MS: integer(1, 3_600_000, 10_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(1, 3_600_000, 30_000),
  HTTP_CONNECTION_TIMEOUT_MS: integer(1, 3_600_000, 60_000),
  // Longer than a load balancer's idle timeout (AWS ALB: 60 s), so that the balancer, not the app,
  // closes an idle connection; otherwise it may send a request on a socket the app is closing (502).
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1, 3_600_000, 72_000),
  SHUTDOWN_DRAIN_MS: integer(0, 600_000, 0),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  CORS_ORIGINS: corsOrigins.optional(),
  CORS_CREDENTIALS: z
    .enum(BOOLEAN_VALUES, { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  // Firefox keeps a preflight at most 24 h, Chromium 2 h: longer values are cut to those anyway.
  CORS_MAX_AGE: integer(0, 86_400, 600),
  // RFC 7518 3.2: an HS256 key must be at least as long as the hash output. Messages never show the value.
  AUTH_JWT_SECRET: z
    .string()
    .refine((value) => Buffer.byteLength(value, 'utf8') >= 32, { error: 'must be at least 32 bytes long' })
    .optional(),
  AUTH_JWKS_URL: urlWithProtocols(['https:', 'http:']).optional(),
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_AUDIENCE: z.string().optional(),
  AUTH_JWKS_TIMEOUT_MS: integer(100, 60_000, 2_000),
  AUTH_JWKS_COOLDOWN_MS: integer(0, 3_600_000, 30_000),
  AUTH_API_KEYS_FILE: z.string().optional(),
  JOBS_REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).optional(),
  // Compared in constant time; as long as an HS256 key, so it cannot be guessed. Messages never show it.
  JOBS_ADMIN_TOKEN: z
    .string()
    .refine((value) => Buffer.byteLength(value, 'utf8') >= 32, { error: 'must be at least 32 bytes long' })
    .optional(),
  WORKER_PORT: integer(0, 65535, 3001),
  EVENT_RELAY_INTERVAL_MS: integer(10, 60_000, 200),
  JOBS_LOCK_MS: integer(1_000, 3_600_000, 30_000),
  WORKER_SHUTDOWN_MS: integer(0, 600_000, 25_000),
});

/** Empty strings count as unset, which is what `FOO= node app` usually means. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') values[key] = value;
  }
  return values;
}

/** Reads and validates the environment; throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = schema.safeParse(withoutEmptyValues(env));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      // zod's own message for a missing key names the expected type, which reads oddly for env vars.
      const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
      return `${variable} ${message}`;
    });
    throw new ConfigError(problems);
  }
  const e = result.data;
  // Node refuses to start a server whose header timeout exceeds its request timeout.
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      `HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS})`,
    ]);
  }
  return {
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL ?? e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    cacheNamespace: e.CACHE_NAMESPACE ?? defaultCacheNamespace(e.DATABASE_URL),
    cacheTimeoutMs: e.CACHE_TIMEOUT_MS,
    cacheBreakerFailures: e.CACHE_BREAKER_FAILURES,
    cacheBreakerCooldownMs: e.CACHE_BREAKER_COOLDOWN_MS,
    cacheMaxEntryBytes: e.CACHE_MAX_ENTRY_BYTES,
    cacheLockTtlMs: e.CACHE_LOCK_TTL_MS,
    cacheLockWaitMs: e.CACHE_LOCK_WAIT_MS,
    cacheRelayIntervalMs: e.CACHE_RELAY_INTERVAL_MS,
    cacheRelayAgeMs: e.CACHE_RELAY_AGE_MS,
    port: e.PORT,
    host: e.HOST,
    ...(e.PUBLIC_URL === undefined ? {} : { publicUrl: e.PUBLIC_URL }),
    dbPoolMax: e.DB_POOL_MAX,
    dbReplicaPoolMax: e.DB_REPLICA_POOL_MAX,
    dbIdleTimeoutMs: e.DB_IDLE_TIMEOUT_MS,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    dbTransactionPooling: e.DB_TRANSACTION_POOLING,
    replicaBreakerFailures: e.REPLICA_BREAKER_FAILURES,
    replicaBreakerCooldownMs: e.REPLICA_BREAKER_COOLDOWN_MS,
    httpBodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES,
    httpBodyMaxValues: e.HTTP_BODY_MAX_VALUES,
    httpHeadersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    httpConnectionTimeoutMs: e.HTTP_CONNECTION_TIMEOUT_MS,
    httpKeepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    logLevel: e.LOG_LEVEL,
    cors: corsConfig(e),
    auth: authEnvironment(e),
    ...(e.AUTH_API_KEYS_FILE === undefined ? {} : { apiKeysFile: e.AUTH_API_KEYS_FILE.trim() }),
    jobs: {
      redisUrl: e.JOBS_REDIS_URL ?? e.REDIS_URL,
      ...(e.JOBS_ADMIN_TOKEN === undefined ? {} : { adminToken: e.JOBS_ADMIN_TOKEN }),
      workerPort: e.WORKER_PORT,
      relayIntervalMs: e.EVENT_RELAY_INTERVAL_MS,
      lockMs: e.JOBS_LOCK_MS,
      shutdownMs: e.WORKER_SHUTDOWN_MS,
    },
  };
}

type Environment = z.infer<typeof schema>;

/** The AUTH_* variables as set; a secret and a key set at once is refused (which one would win is a guess). */
function authEnvironment(e: Environment): AuthEnvironment {
  if (e.AUTH_JWT_SECRET !== undefined && e.AUTH_JWKS_URL !== undefined)
    throw new ConfigError(['AUTH_JWT_SECRET and AUTH_JWKS_URL are both set; set one']);
  return {
    ...(e.AUTH_JWT_SECRET === undefined ? {} : { secret: e.AUTH_JWT_SECRET }),
    ...(e.AUTH_JWKS_URL === undefined ? {} : { jwksUrl: e.AUTH_JWKS_URL }),
    ...(e.AUTH_JWT_ISSUER === undefined ? {} : { issuer: e.AUTH_JWT_ISSUER }),
    ...(e.AUTH_JWT_AUDIENCE === undefined ? {} : { audience: e.AUTH_JWT_AUDIENCE }),
    jwksTimeoutMs: e.AUTH_JWKS_TIMEOUT_MS,
    jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_MS,
  };
}

/**
 * The keys tokens are verified with: the environment's, else the schema's key set. A variable set
 * overrides the schema (a secret replaces the schema's key set, as in a local setup). A key set usually
 * belongs to an identity provider serving many applications, so its tokens must name this one's issuer
 * and audience, from the environment or the schema. No key source at all is refused: the schema asks
 * for authentication, and nothing could verify a token.
 */
export function authKeys(env: AuthEnvironment, defaults: AuthDefaults = {}): AuthKeyConfig {
  const issuer = env.issuer ?? defaults.issuer;
  const audience = env.audience ?? defaults.audience;
  const claims = {
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
  };
  if (env.secret !== undefined) return { kind: 'secret', secret: env.secret, ...claims };
  const jwksUrl = env.jwksUrl ?? defaults.jwksUrl;
  if (jwksUrl === undefined)
    throw new ConfigError([
      'AUTH_JWT_SECRET or AUTH_JWKS_URL is required: the schema turns authentication on (docs/auth.md)',
    ]);
  const missing = [
    ['AUTH_JWT_ISSUER', 'issuer', issuer],
    ['AUTH_JWT_AUDIENCE', 'audience', audience],
  ].filter(([, , value]) => value === undefined);
  if (missing.length > 0)
    throw new ConfigError(
      missing.map(([variable, key]) => `${variable} (or the schema's auth.jwt.${key}) is required with a key set`),
    );
  return {
    kind: 'jwks',
    jwksUrl,
    jwksTimeoutMs: env.jwksTimeoutMs,
    jwksCooldownMs: env.jwksCooldownMs,
    ...claims,
  };
}

/**
 * CORS is off unless CORS_ORIGINS names who may call. Credentials with `*` are refused: browsers
 * reject that combination, and reflecting every origin instead would let any site act as the user.
 */
function corsConfig(e: Environment): CorsConfig | null {
  if (e.CORS_ORIGINS === undefined) {
    if (e.CORS_CREDENTIALS) throw new ConfigError(['CORS_CREDENTIALS has no effect without CORS_ORIGINS']);
    return null;
  }
  if (e.CORS_CREDENTIALS && e.CORS_ORIGINS === '*') {
    throw new ConfigError([
      'CORS_CREDENTIALS=true cannot be combined with CORS_ORIGINS=*: list the origins that may send credentials',
    ]);
  }
  return { origins: e.CORS_ORIGINS, credentials: e.CORS_CREDENTIALS, maxAgeSeconds: e.CORS_MAX_AGE };
}

/**
 * Cached rows belong to the database they were read from, so by default the namespace is derived
 * from the primary's host, port and database name (never its credentials): two projects, two
 * environments or two databases sharing a Redis can never read each other's entries by accident,
 * and every replica of one service, pointed at the same database, shares one cache. The database
 * name keeps the keys readable; the hash tells apart equal names on different servers.
 */
export function defaultCacheNamespace(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const port = url.port || '5432';
  // libpq's default database is the user's name.
  const database = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username);
  const identity = createHash('sha256')
    .update(JSON.stringify([url.hostname, port, database]))
    .digest('hex');
  const readable = database.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  return `${readable}-${identity.slice(0, 12)}`;
}
