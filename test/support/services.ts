import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient } from '@keyv/redis';
import { Client } from 'pg';

/** The machine's real services; `.ci/run` starts them before the tests. */
const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const REDIS_BASE_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database, so every test run migrates from nothing. */
export async function createDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  // Identifiers cannot be bound as parameters; the name is the given prefix and hex digits.
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** Resolves once a query on `databaseUrl` is waiting for a lock: a request is provably in flight. */
export async function waitForBlockedQuery(databaseUrl: string, timeoutMs = 10_000): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0].waiting > 0) return;
      if (Date.now() > deadline) throw new Error('no query started waiting for the lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

/**
 * Resolves once `check` returns true, polling for up to `timeoutMs`: for effects that happen after a
 * response was sent (the cache stores an answer without making the client wait for Redis).
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A Redis logical database of its own per test file, so the fixed `apso:` keys of one app never
 * meet another's; the file flushes it first.
 */
export function redisUrl(database: number): string {
  const url = new URL(REDIS_BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A Redis logical database emptied first, so cached answers of an earlier run (same ids) cannot leak in. */
export async function emptyRedis(database: number): Promise<string> {
  const url = redisUrl(database);
  const client = createClient({ url });
  await client.connect();
  await client.flushDb();
  await client.quit();
  return url;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningApp {
  readonly baseUrl: string;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

/** Runs a node script to completion; rejects with its output when it fails. */
export async function runScript(script: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<string> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}:\n${output()}`);
  return output();
}

/**
 * Boots a built app (`dist/main.js`) as a real process and waits until /health/ready answers 200.
 * `portVariable` names the variable its port is read from (the worker's is WORKER_PORT).
 */
export async function startApp(
  main: string,
  env: NodeJS.ProcessEnv,
  cwd?: string,
  portVariable = 'PORT',
): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, [portVariable]: String(port), HOST: '127.0.0.1' },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${main} exited with ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${main} was not ready within 30 s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function collect(child: ChildProcess): () => string {
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return () => chunks.join('').slice(-20_000);
}
