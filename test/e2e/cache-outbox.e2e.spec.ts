import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { CacheKeys } from '../../src/platform/cache/cache-keys';
import { EntityCache } from '../../src/platform/cache/entity-cache';
import { TASK_RESOURCE } from '../../src/modules/task/generated/task.resource';
import type { Http } from '../support/crud-smoke';
import { createTenant, type ExampleTenant, exampleAuthEnv, tenantClient } from '../support/example-auth';
import { metricValue } from '../support/metrics';
import { REPO_ROOT } from '../support/repository';
import {
  createDatabase,
  eventually,
  freePort,
  type RunningApp,
  runScript,
  startApp,
  type TestDatabase,
} from '../support/services';

/**
 * Cache invalidations that Redis misses (stopped, too slow) are not lost: the outbox row the write
 * committed is applied by a relay, and an instance that saw its own move fail serves nothing from
 * the cache until then. Two instances of the built backend share one database and one Redis of the
 * test's own, which it stops and starts again. That Redis keeps its data across the stop (SHUTDOWN
 * SAVE, then loaded again), as a persistent Redis or a network partition does: with an emptied Redis
 * nothing stale could come back.
 */
const NAMESPACE = 'outbox-e2e';
/** The defaults of CACHE_RELAY_INTERVAL_MS and CACHE_RELAY_AGE_MS, stated so the bound below is explicit. */
const RELAY_INTERVAL_MS = 1_000;
const RELAY_AGE_MS = 1_000;
/** What a request and one relay pass take on a loaded test machine, on top of the documented bound. */
const SLACK_MS = 500;

let database: TestDatabase;
let redis: OwnRedis;
let a: RunningApp;
let b: RunningApp;
let tenant: ExampleTenant;
let onA: Http;
let onB: Http;

/** A redis-server of the test's own on `port`, its dump in a directory of its own. */
class OwnRedis {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'apso-outbox-redis-'));
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'];
    this.child = spawn('redis-server', [...args, '--dir', this.dir], { stdio: 'ignore' });
    for (let tries = 0; !(await this.pings()); tries++) {
      if (tries > 100) throw new Error('redis-server did not start');
      await sleep(50);
    }
  }

  /** Stops it after writing its data to disk, so start() brings every key back. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await this.command(['SHUTDOWN', 'SAVE']).catch(() => undefined);
    await exited;
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pings(): Promise<boolean> {
    return (await this.command(['PING']).catch(() => '')).startsWith('+PONG');
  }

  private command(words: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, '127.0.0.1');
      let reply = '';
      socket.on('data', (chunk) => {
        reply += chunk.toString();
        socket.end();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(reply));
      socket.write(`*${words.length}\r\n${words.map((word) => `$${word.length}\r\n${word}\r\n`).join('')}`);
    });
  }
}

function appEnv(redisUrl: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    CACHE_NAMESPACE: NAMESPACE,
    CACHE_RELAY_INTERVAL_MS: String(RELAY_INTERVAL_MS),
    CACHE_RELAY_AGE_MS: String(RELAY_AGE_MS),
    // A short cool-down, so an instance goes back to Redis soon after it returns (and old entries would show).
    CACHE_BREAKER_COOLDOWN_MS: '300',
    ...exampleAuthEnv(),
  };
}

async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function newTask(title: string): Promise<string> {
  const project = await onA('POST', '/projects', { name: `P ${title} ${randomUUID()}` });
  assert.equal(project.status, 201, project.text);
  const task = await onA('POST', '/tasks', { title, projectId: project.body.id });
  assert.equal(task.status, 201, task.text);
  return task.body.id as string;
}

/** GETs the task on the instance until it answers from the cache. */
async function cached(http: Http, id: string, title: string): Promise<void> {
  for (let tries = 0; tries < 20; tries++) {
    const answer = await http('GET', `/tasks/${id}`);
    assert.equal(answer.body.title, title);
    if (answer.headers.get('x-cache') === 'HIT') return;
    await sleep(50);
  }
  assert.fail(`GET /tasks/${id} never came from the cache`);
}

/**
 * GETs the task on the instance every 100 ms for `forMs`; returns how long after `since` the last
 * answer other than `title` came (-1: none) and how many there were.
 */
async function poll(http: Http, id: string, title: string, since: number, forMs: number) {
  let lastStaleAt = -1;
  let stale = 0;
  while (Date.now() - since < forMs) {
    const answer = await http('GET', `/tasks/${id}`);
    assert.equal(answer.status, 200, answer.text);
    if (answer.body.title !== title) {
      stale++;
      lastStaleAt = Date.now() - since;
    }
    await sleep(100);
  }
  return { lastStaleAt, stale };
}

before(async () => {
  database = await createDatabase('apso_outbox');
  redis = new OwnRedis(await freePort());
  await redis.start();
  const redisUrl = `redis://127.0.0.1:${redis.port}`;
  await runScript(join(REPO_ROOT, 'dist', 'migrate.js'), appEnv(redisUrl));
  [a, b] = await Promise.all([
    startApp(join(REPO_ROOT, 'dist', 'main.js'), appEnv(redisUrl)),
    startApp(join(REPO_ROOT, 'dist', 'main.js'), appEnv(redisUrl)),
  ]);
  tenant = await createTenant(a.baseUrl);
  onA = tenantClient(a.baseUrl, tenant);
  onB = tenantClient(b.baseUrl, tenant);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  redis?.kill();
  await database?.drop();
});

describe('cache invalidations Redis missed', () => {
  test('a row updated while Redis is stopped is answered new on both instances once Redis is back', async () => {
    const id = await newTask('Before');
    await cached(onA, id, 'Before');
    await cached(onB, id, 'Before');
    const { version } = (await onA('GET', `/tasks/${id}`)).body as { version: number };

    await redis.stop();
    const patched = await onA('PATCH', `/tasks/${id}`, { title: 'After' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.title, 'After');
    const pending = await sql<{ n: number }>('SELECT count(*)::int AS n FROM apso_cache_invalidations');
    assert.equal(pending[0].n, 1, 'the write recorded its invalidation, which Redis could not take');
    // A write that rolls back (a stale version: 409) leaves no row.
    const refused = await onA('PATCH', `/tasks/${id}`, { title: 'Never', version });
    assert.equal(refused.status, 409, refused.text);
    assert.deepEqual(await sql('SELECT count(*)::int AS n FROM apso_cache_invalidations'), pending);
    assert.equal(await metricValue(a.baseUrl, 'cache_fresh'), 0, 'A bypasses the cache');
    // B learns of the lost connection from its socket's close, which may come a moment after the stop.
    assert.ok(
      await eventually(async () => (await metricValue(b.baseUrl, 'cache_fresh')) === 0),
      'B lost Redis too: it bypasses the cache',
    );

    await redis.start();
    const back = Date.now();
    // A's own write missed Redis: every answer of A is the new row, at once.
    const [onInstanceA, onInstanceB] = await Promise.all([
      poll(onA, id, 'After', back, 4_000),
      poll(onB, id, 'After', back, 4_000),
    ]);
    assert.deepEqual(onInstanceA, { lastStaleAt: -1, stale: 0 }, 'A answered the old row after Redis was back');
    // B lost its connection when Redis stopped: it too uses the cache again only once the outbox is drained.
    assert.deepEqual(onInstanceB, { lastStaleAt: -1, stale: 0 }, 'B answered the old row after Redis was back');
    console.log(`after Redis was back: A ${onInstanceA.stale}, B ${onInstanceB.stale} old answers in 4 s of GETs`);
    assert.deepEqual(await sql('SELECT id FROM apso_cache_invalidations'), [], 'the outbox is drained');
    assert.equal(await metricValue(a.baseUrl, 'cache_fresh'), 1);
    const relayed = await Promise.all(
      [a, b].map((app) => metricValue(app.baseUrl, 'cache_invalidations_relayed_total')),
    );
    assert.ok(relayed[0] + relayed[1] >= 1, 'a relay applied the row');
  });

  test('the invalidation of an instance killed between commit and its move is applied by the relay of the others', async () => {
    const id = await newTask('Alive');
    await cached(onA, id, 'Alive');
    await cached(onB, id, 'Alive');
    // What a killed instance leaves: the write and its outbox row committed, the versions not moved.
    const versions = new EntityCache(
      {} as never,
      new CacheKeys(NAMESPACE),
      {} as never,
      {} as never,
      {} as never,
    ).versionsToMove(TASK_RESOURCE, id);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE tasks SET title = 'Written', version = version + 1 WHERE id = $1`, [id]);
      await client.query('INSERT INTO apso_cache_invalidations (versions) VALUES ($1::jsonb)', [
        JSON.stringify(versions),
      ]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    const committed = Date.now();
    const [onInstanceA, onInstanceB] = await Promise.all([
      poll(onA, id, 'Written', committed, 4_000),
      poll(onB, id, 'Written', committed, 4_000),
    ]);
    for (const [name, seen] of [
      ['A', onInstanceA],
      ['B', onInstanceB],
    ] as const)
      assert.ok(
        seen.lastStaleAt < RELAY_INTERVAL_MS + RELAY_AGE_MS + SLACK_MS,
        `${name} answered the old row ${seen.lastStaleAt} ms after the write committed`,
      );
    console.log(`killed writer: last old answer ${onInstanceA.lastStaleAt} ms (A), ${onInstanceB.lastStaleAt} ms (B)`);
    assert.deepEqual(await sql('SELECT id FROM apso_cache_invalidations'), []);
  });
});

/**
 * A TCP proxy to Redis that holds back each chunk of Redis's replies by a random delay (in order, as
 * one connection delivers them), so some calls answer within CACHE_TIMEOUT_MS and others do not.
 */
function slowProxy(target: number, delayMs: () => number): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    let releaseAt = 0;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      releaseAt = Math.max(releaseAt, Date.now() + delayMs());
      setTimeout(() => client.writable && client.write(chunk), releaseAt - Date.now());
    });
    for (const [one, other] of [
      [client, upstream],
      [upstream, client],
    ]) {
      one.on('error', () => other.destroy());
      one.on('close', () => other.destroy());
    }
  });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server })),
  );
}

/** A Redis that is slow (replies 400 ms late) for this long, then fast for as long, and so on. */
const FLAP_MS = 100;

describe('a slow Redis', () => {
  let proxy: Server;
  let slow: RunningApp;
  let onSlow: Http;
  let delaying = false;
  let slowNow = false;

  before(async () => {
    const started = await slowProxy(redis.port, () =>
      delaying && Math.floor(Date.now() / FLAP_MS) % 2 === 0 ? 400 : 0,
    );
    proxy = started.server;
    // A breaker that opens at the first timeout and probes again soon: its moves are skipped often.
    slow = await startApp(join(REPO_ROOT, 'dist', 'main.js'), {
      ...appEnv(`redis://127.0.0.1:${started.port}`),
      CACHE_BREAKER_FAILURES: '1',
      CACHE_BREAKER_COOLDOWN_MS: '100',
    });
    onSlow = tenantClient(slow.baseUrl, tenant);
  });

  after(async () => {
    await slow?.stop();
    proxy?.close();
  });

  test('PATCH then GET on one instance never answers the row before the PATCH', async () => {
    const id = await newTask('v0');
    await cached(onSlow, id, 'v0');
    // Other clients read meanwhile: their calls to Redis open and close the circuit at any moment.
    const other = await newTask('other');
    let reading = true;
    const reader = (async () => {
      while (reading) await onSlow('GET', `/tasks/${other}`);
    })();
    delaying = true;
    let stale = 0;
    let hits = 0;
    const pairs = 300;
    for (let index = 1; index <= pairs; index++) {
      const patched = await onSlow('PATCH', `/tasks/${id}`, { title: `v${index}` });
      assert.equal(patched.status, 200, patched.text);
      const read = await onSlow('GET', `/tasks/${id}`);
      assert.equal(read.status, 200, read.text);
      if (read.body.title !== `v${index}`) stale++;
      if (read.headers.get('x-cache') === 'HIT') hits++;
    }
    delaying = false;
    reading = false;
    await reader;
    console.log(`slow Redis: ${stale} of ${pairs} GETs after a PATCH answered an older row (${hits} from the cache)`);
    assert.equal(stale, 0);
  });

  test('a write made while Redis is too slow to take its move is not followed by the old row', async () => {
    const other = await newTask('other');
    let stale = 0;
    const rounds = 15;
    for (let index = 1; index <= rounds; index++) {
      const id = await newTask('before');
      await cached(onSlow, id, 'before');
      // Redis slows down: another client's read times out and opens the circuit.
      slowNow = true;
      assert.equal((await onSlow('GET', `/tasks/${other}`)).status, 200);
      // The write commits while the circuit is open (or its move times out).
      const patched = await onSlow('PATCH', `/tasks/${id}`, { title: 'after' });
      assert.equal(patched.status, 200, patched.text);
      // Redis is fast again; once the delayed replies are out and the circuit probes, the row is read.
      slowNow = false;
      await sleep(500);
      const read = await onSlow('GET', `/tasks/${id}`);
      assert.equal(read.status, 200, read.text);
      if (read.body.title !== 'after') stale++;
    }
    console.log(`slow Redis, circuit open during the write: ${stale} of ${rounds} GETs answered the older row`);
    assert.equal(stale, 0);
  });
});
