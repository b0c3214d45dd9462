import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authKeys, defaultCacheNamespace, loadConfig } from '../../src/platform/config/config';
import { ConfigError } from '../../src/platform/config/config-error';
import { runEntryPoint } from './support/processes';

const VALID = { DATABASE_URL: 'postgres://app:pw@db:5432/app', REDIS_URL: 'redis://cache:6379' };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loadConfig to throw');
}

function keysError(env: Record<string, string>, defaults = {}): ConfigError {
  const auth = loadConfig({ ...VALID, ...env }).auth;
  try {
    authKeys(auth, defaults);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected authKeys to throw');
}

describe('loadConfig', () => {
  test('applies the documented defaults; the replica defaults to the primary', () => {
    assert.deepEqual(loadConfig(VALID), {
      databaseUrl: VALID.DATABASE_URL,
      databaseReplicaUrl: VALID.DATABASE_URL,
      redisUrl: VALID.REDIS_URL,
      cacheNamespace: defaultCacheNamespace(VALID.DATABASE_URL),
      cacheTimeoutMs: 150,
      cacheBreakerFailures: 5,
      cacheBreakerCooldownMs: 5_000,
      cacheMaxEntryBytes: 262_144,
      cacheLockTtlMs: 5_000,
      cacheLockWaitMs: 500,
      cacheRelayIntervalMs: 1_000,
      cacheRelayAgeMs: 1_000,
      port: 3000,
      host: '0.0.0.0',
      dbPoolMax: 10,
      dbReplicaPoolMax: 10,
      dbIdleTimeoutMs: 10_000,
      dbConnectTimeoutMs: 5_000,
      dbStatementTimeoutMs: 15_000,
      dbTransactionPooling: false,
      replicaBreakerFailures: 3,
      replicaBreakerCooldownMs: 10_000,
      httpBodyLimitBytes: 1_048_576,
      httpBodyMaxValues: 20_000,
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 30_000,
      httpConnectionTimeoutMs: 60_000,
      httpKeepAliveTimeoutMs: 72_000,
      shutdownDrainMs: 0,
      logLevel: 'info',
      cors: null,
      auth: { jwksTimeoutMs: 2_000, jwksCooldownMs: 30_000 },
      jobs: { redisUrl: VALID.REDIS_URL, workerPort: 3001, relayIntervalMs: 200, lockMs: 30_000, shutdownMs: 25_000 },
    });
  });

  test('reads the background work variables; the admin token must be long enough and is never shown', () => {
    const token = 't'.repeat(32);
    const config = loadConfig({
      ...VALID,
      JOBS_REDIS_URL: 'redis://queues:6379/2',
      JOBS_ADMIN_TOKEN: token,
      WORKER_PORT: '9100',
      EVENT_RELAY_INTERVAL_MS: '50',
      JOBS_LOCK_MS: '5000',
      WORKER_SHUTDOWN_MS: '1000',
    });
    assert.deepEqual(config.jobs, {
      redisUrl: 'redis://queues:6379/2',
      adminToken: token,
      workerPort: 9100,
      relayIntervalMs: 50,
      lockMs: 5000,
      shutdownMs: 1000,
    });
    assert.throws(
      () =>
        loadConfig({ ...VALID, JOBS_ADMIN_TOKEN: 'short-secret', JOBS_REDIS_URL: 'http://queues', JOBS_LOCK_MS: '10' }),
      (error: Error) =>
        /JOBS_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/.test(error.message) &&
        /JOBS_ADMIN_TOKEN must be at least 32 bytes long/.test(error.message) &&
        /JOBS_LOCK_MS must be an integer from 1000/.test(error.message) &&
        !error.message.includes('short-secret'),
    );
  });

  test('reads every variable', () => {
    const config = loadConfig({
      ...VALID,
      DATABASE_REPLICA_URL: 'postgresql://ro@replica/app',
      PORT: '8080',
      HOST: '127.0.0.1',
      DB_POOL_MAX: '30',
      DB_REPLICA_POOL_MAX: '40',
      DB_IDLE_TIMEOUT_MS: '1000',
      DB_CONNECT_TIMEOUT_MS: '2000',
      DB_STATEMENT_TIMEOUT_MS: '3000',
      DB_TRANSACTION_POOLING: 'true',
      HTTP_BODY_LIMIT_BYTES: '4096',
      HTTP_HEADERS_TIMEOUT_MS: '1500',
      HTTP_REQUEST_TIMEOUT_MS: '2500',
      HTTP_CONNECTION_TIMEOUT_MS: '3500',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '4500',
      SHUTDOWN_DRAIN_MS: '5000',
      LOG_LEVEL: 'debug',
      CACHE_NAMESPACE: 'shop.prod_eu-1',
      CACHE_TIMEOUT_MS: '250',
      CACHE_BREAKER_FAILURES: '3',
      CACHE_BREAKER_COOLDOWN_MS: '2000',
      REPLICA_BREAKER_FAILURES: '7',
      REPLICA_BREAKER_COOLDOWN_MS: '3000',
      CACHE_LOCK_TTL_MS: '800',
      CACHE_LOCK_WAIT_MS: '0',
      PUBLIC_URL: 'https://api.example.com/v1',
    });
    assert.equal(config.databaseReplicaUrl, 'postgresql://ro@replica/app');
    assert.deepEqual(
      [config.port, config.host, config.dbPoolMax, config.dbReplicaPoolMax, config.dbIdleTimeoutMs],
      [8080, '127.0.0.1', 30, 40, 1000],
    );
    assert.deepEqual(
      [config.dbConnectTimeoutMs, config.dbStatementTimeoutMs, config.httpBodyLimitBytes, config.shutdownDrainMs],
      [2000, 3000, 4096, 5000],
    );
    assert.deepEqual(
      [
        config.httpHeadersTimeoutMs,
        config.httpRequestTimeoutMs,
        config.httpConnectionTimeoutMs,
        config.httpKeepAliveTimeoutMs,
      ],
      [1500, 2500, 3500, 4500],
    );
    assert.equal(config.dbTransactionPooling, true);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.cacheNamespace, 'shop.prod_eu-1');
    assert.deepEqual(
      [config.cacheTimeoutMs, config.cacheBreakerFailures, config.cacheBreakerCooldownMs],
      [250, 3, 2000],
    );
    assert.deepEqual([config.replicaBreakerFailures, config.replicaBreakerCooldownMs], [7, 3000]);
    assert.deepEqual([config.cacheLockTtlMs, config.cacheLockWaitMs], [800, 0]);
    assert.equal(config.publicUrl, 'https://api.example.com/v1');
  });

  test('AUTH_*: a secret, or a JWKS with issuer and audience; never both, never a short secret, never echoed', () => {
    const secret = 'a'.repeat(32);
    const keys = (env: Record<string, string>, defaults = {}) =>
      authKeys(loadConfig({ ...VALID, ...env }).auth, defaults);
    assert.deepEqual(keys({ AUTH_JWT_SECRET: secret }), { kind: 'secret', secret });
    const jwks = {
      kind: 'jwks',
      jwksUrl: 'https://id.example.com/jwks.json',
      jwksTimeoutMs: 2000,
      jwksCooldownMs: 30000,
      issuer: 'https://id.example.com/',
      audience: 'api',
    };
    assert.deepEqual(
      keys({
        AUTH_JWKS_URL: 'https://id.example.com/jwks.json',
        AUTH_JWT_ISSUER: 'https://id.example.com/',
        AUTH_JWT_AUDIENCE: 'api',
      }),
      jwks,
    );
    const short = configError({ ...VALID, AUTH_JWT_SECRET: 'hunter2-but-secret' });
    assert.equal(short.message, 'Invalid configuration: AUTH_JWT_SECRET must be at least 32 bytes long');
    assert.deepEqual(keysError({ AUTH_JWKS_URL: 'https://id.example.com/jwks.json' }).problems, [
      "AUTH_JWT_ISSUER (or the schema's auth.jwt.issuer) is required with a key set",
      "AUTH_JWT_AUDIENCE (or the schema's auth.jwt.audience) is required with a key set",
    ]);
    assert.deepEqual(configError({ ...VALID, AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://x.test/j' }).problems, [
      'AUTH_JWT_SECRET and AUTH_JWKS_URL are both set; set one',
    ]);
    assert.deepEqual(keysError({}).problems, [
      'AUTH_JWT_SECRET or AUTH_JWKS_URL is required: the schema turns authentication on (docs/auth.md)',
    ]);
  });

  test("AUTH_*: the schema's issuer, audience and key set apply where the environment leaves them unset", () => {
    const schema = {
      issuer: 'https://tenant.example.com/',
      audience: 'api',
      jwksUrl: 'https://tenant.example.com/.well-known/jwks.json',
    };
    const keys = (env: Record<string, string>) => authKeys(loadConfig({ ...VALID, ...env }).auth, schema);
    assert.deepEqual(keys({}), {
      kind: 'jwks',
      jwksUrl: schema.jwksUrl,
      jwksTimeoutMs: 2000,
      jwksCooldownMs: 30000,
      issuer: schema.issuer,
      audience: schema.audience,
    });
    assert.deepEqual(
      keys({
        AUTH_JWKS_URL: 'https://staging.example.com/jwks',
        AUTH_JWT_ISSUER: 'https://staging.example.com/',
        AUTH_JWKS_TIMEOUT_MS: '500',
      }),
      {
        kind: 'jwks',
        jwksUrl: 'https://staging.example.com/jwks',
        jwksTimeoutMs: 500,
        jwksCooldownMs: 30000,
        issuer: 'https://staging.example.com/',
        audience: 'api',
      },
    );
    // A secret replaces the schema's key set; the schema's issuer and audience are still checked.
    const secret = 'b'.repeat(32);
    assert.deepEqual(keys({ AUTH_JWT_SECRET: secret }), {
      kind: 'secret',
      secret,
      issuer: schema.issuer,
      audience: 'api',
    });
    assert.deepEqual(keysError({ AUTH_JWT_ISSUER: 'https://x.test/' }, { jwksUrl: schema.jwksUrl }).problems, [
      "AUTH_JWT_AUDIENCE (or the schema's auth.jwt.audience) is required with a key set",
    ]);
  });

  test('AUTH_API_KEYS_FILE: the path of the API key hashes, unset when empty (AuthModule requires it with auth.apiKey)', () => {
    assert.equal(loadConfig(VALID).apiKeysFile, undefined);
    assert.equal(loadConfig({ ...VALID, AUTH_API_KEYS_FILE: ' ' }).apiKeysFile, undefined);
    assert.equal(
      loadConfig({ ...VALID, AUTH_API_KEYS_FILE: '/etc/apso/api-keys/api-keys.json' }).apiKeysFile,
      '/etc/apso/api-keys/api-keys.json',
    );
  });

  test('DB_TRANSACTION_POOLING is true or false', () => {
    assert.match(
      configError({ ...VALID, DB_TRANSACTION_POOLING: 'yes' }).message,
      /DB_TRANSACTION_POOLING must be true or false/,
    );
  });

  test('rejects a PUBLIC_URL that is not an http or https URL', () => {
    assert.match(
      configError({ ...VALID, PUBLIC_URL: 'ftp://api.example.com' }).message,
      /PUBLIC_URL must be a http:\/\/ or https:\/\/ URL/,
    );
    assert.match(configError({ ...VALID, PUBLIC_URL: '/api' }).message, /PUBLIC_URL/);
  });

  test('CORS: off by default; exact origins, or * alone, with credentials and the preflight max age', () => {
    const listed = loadConfig({
      ...VALID,
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,',
      CORS_CREDENTIALS: 'true',
      CORS_MAX_AGE: '120',
    });
    assert.deepEqual(listed.cors, {
      origins: ['https://app.example.com', 'http://localhost:5173'],
      credentials: true,
      maxAgeSeconds: 120,
    });
    assert.deepEqual(loadConfig({ ...VALID, CORS_ORIGINS: ' * ' }).cors, {
      origins: '*',
      credentials: false,
      maxAgeSeconds: 600,
    });
  });

  test('CORS: refuses what is not an origin, * among origins, * with credentials, and credentials alone', () => {
    for (const bad of [
      'app.example.com',
      'https://app.example.com/',
      'https://app.example.com/path',
      'https://App.example.com',
      'https://app.example.com:443',
      'ftp://files.example.com',
      'https://*.example.com',
    ]) {
      const { message } = configError({ ...VALID, CORS_ORIGINS: `https://ok.example.com,${bad}` });
      assert.match(message, /^Invalid configuration: CORS_ORIGINS must be \* or comma-separated origins/, bad);
      assert.ok(message.endsWith(`not an origin: ${bad}`), message);
    }
    assert.match(
      configError({ ...VALID, CORS_ORIGINS: '*,https://app.example.com' }).message,
      /CORS_ORIGINS must be \* alone or a list of origins, not both/,
    );
    assert.match(
      configError({ ...VALID, CORS_ORIGINS: '*', CORS_CREDENTIALS: 'true' }).message,
      /CORS_CREDENTIALS=true cannot be combined with CORS_ORIGINS=\*/,
    );
    assert.match(
      configError({ ...VALID, CORS_CREDENTIALS: 'true' }).message,
      /CORS_CREDENTIALS has no effect without CORS_ORIGINS/,
    );
    const { message } = configError({ ...VALID, CORS_ORIGINS: '*', CORS_CREDENTIALS: 'yes', CORS_MAX_AGE: '-1' });
    assert.match(message, /CORS_CREDENTIALS must be true or false/);
    assert.match(message, /CORS_MAX_AGE must be an integer from 0 to 86400/);
  });

  test('rejects a cache timeout or a circuit setting out of range', () => {
    const { message } = configError({
      ...VALID,
      CACHE_TIMEOUT_MS: '0',
      CACHE_BREAKER_FAILURES: 'many',
      CACHE_BREAKER_COOLDOWN_MS: '10',
      REPLICA_BREAKER_FAILURES: '0',
      REPLICA_BREAKER_COOLDOWN_MS: '99',
    });
    assert.match(message, /CACHE_TIMEOUT_MS must be an integer from 1 to 10000/);
    assert.match(message, /CACHE_BREAKER_FAILURES must be an integer from 1 to 1000/);
    assert.match(message, /CACHE_BREAKER_COOLDOWN_MS must be an integer from 100 to 600000/);
    assert.match(message, /REPLICA_BREAKER_FAILURES must be an integer from 1 to 1000/);
    assert.match(message, /REPLICA_BREAKER_COOLDOWN_MS must be an integer from 100 to 600000/);
  });

  test('rejects a header timeout longer than the request timeout, which Node would refuse', () => {
    const error = configError({ ...VALID, HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' });
    assert.equal(
      error.message,
      'Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (10000)',
    );
    assert.match(configError({ ...VALID, HTTP_REQUEST_TIMEOUT_MS: '0' }).message, /HTTP_REQUEST_TIMEOUT_MS must be/);
  });

  test('derives the cache namespace from where the data is, never from the credentials', () => {
    const namespace = (url: string) => loadConfig({ ...VALID, DATABASE_URL: url }).cacheNamespace;
    const base = namespace('postgres://app:pw@db:5432/app');
    assert.match(base, /^app-[0-9a-f]{12}$/);
    assert.ok(!base.includes('pw'));
    assert.equal(namespace('postgresql://other:secret@db/app'), base, 'user, password and default port do not count');
    assert.equal(namespace('postgres://app:pw@db:5432/app?sslmode=require'), base, 'options do not count');
    const elsewhere = [
      'postgres://app:pw@db:5432/app_staging',
      'postgres://app:pw@db2:5432/app',
      'postgres://app:pw@db:5433/app',
    ].map(namespace);
    assert.equal(new Set([base, ...elsewhere]).size, 4, 'another database, host or port: another namespace');
    assert.match(
      namespace('postgres://db/my%20db%7Bx%7D'),
      /^my_db_x_-[0-9a-f]{12}$/,
      'unsafe characters are replaced',
    );
  });

  test('rejects a CACHE_NAMESPACE that is long or could break a key', () => {
    for (const bad of ['a:b', 'a{b}', 'a b', 'x'.repeat(65), 'a*']) {
      assert.match(configError({ ...VALID, CACHE_NAMESPACE: bad }).message, /CACHE_NAMESPACE must be 1 to 64 letters/);
    }
  });

  test('names every missing variable in one line', () => {
    const error = configError({});
    assert.equal(error.message.split('\n').length, 1);
    assert.match(error.message, /DATABASE_URL is required/);
    assert.match(error.message, /REDIS_URL is required/);
  });

  test('names every malformed variable and never prints a password', () => {
    const error = configError({
      DATABASE_URL: 'mysql://app:s3cr3t-pw@db/app',
      DATABASE_REPLICA_URL: 'postgres://ro:an0ther-pw@replica/app',
      REDIS_URL: 'http://:r3dis-pw@cache:6379',
      PORT: '70000',
      DB_POOL_MAX: 'ten',
      LOG_LEVEL: 'loud',
    });
    const { message } = error;
    assert.equal(message.split('\n').length, 1);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'DB_POOL_MAX', 'LOG_LEVEL'])
      assert.match(message, new RegExp(name));
    assert.doesNotMatch(message, /DATABASE_REPLICA_URL/, 'a valid variable is not reported');
    assert.match(message, /mysql:\/\/app:\*\*\*@db\/app/, 'a bad URL is shown with its password masked');
    for (const secret of ['s3cr3t-pw', 'an0ther-pw', 'r3dis-pw'])
      assert.ok(!message.includes(secret), `leaked ${secret}`);
  });

  test('does not echo an unparseable URL, which could hold a secret anywhere', () => {
    const { message } = configError({ ...VALID, DATABASE_URL: 'host=db password=hunter2' });
    assert.match(message, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    assert.ok(!message.includes('hunter2'));
  });

  test('treats empty values as unset', () => {
    assert.match(configError({ ...VALID, REDIS_URL: '' }).message, /REDIS_URL is required/);
    assert.equal(loadConfig({ ...VALID, PORT: '' }).port, 3000);
  });
});

describe('entry points with a bad environment', () => {
  for (const entry of ['main', 'migrate']) {
    test(`${entry} prints one line naming the variable to stderr and exits 1`, async () => {
      const result = await runEntryPoint(`src/${entry}`, {
        DATABASE_URL: 'postgres://app:s3cr3t-pw@127.0.0.1:1/app',
        REDIS_URL: 'not-a-url',
      });
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /^Invalid configuration: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
      assert.ok(!result.stderr.includes('s3cr3t-pw'));
    });
  }
});
