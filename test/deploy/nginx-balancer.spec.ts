import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { parse } from 'yaml';
import { deploymentOf } from '../../generator/src/model/deployment';
import { COMPOSE_SCALE_PATH } from '../../generator/src/render/infra/compose/compose-scale';
import { serializeNginx } from '../../generator/src/render/infra/nginx/directives';
import { nginxConf } from '../../generator/src/render/infra/nginx/nginx-conf';
import { bearer, exampleAuthEnv, OPERATOR } from '../support/example-auth';
import { nginxSuiteOptions, type RunningNginx, startNginx } from '../support/nginx';
import { REPO_ROOT } from '../support/repository';
import {
  createDatabase,
  emptyRedis,
  eventually,
  freePort,
  type RunningApp,
  runScript,
  startApp,
  type TestDatabase,
  waitForBlockedQuery,
} from '../support/services';

/*
 * The generated nginx.conf, with only its upstream servers and listen address changed, in front of
 * two instances of this repository's generated API (dist/main.js) on one database: a real nginx
 * balancing real requests, and its access log read back to see which instance answered.
 */

const REDIS_DATABASE = 14;

interface LogLine {
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  readonly upstream: string;
  readonly request_id: string;
}

interface Balancer {
  readonly url: string;
  readonly nginx: RunningNginx;
  /** Access-log lines written since the last call, parsed (the log format is JSON). */
  newLines(): LogLine[];
}

async function balancer(servers: readonly string[]): Promise<Balancer> {
  const port = await freePort();
  const conf = nginxConf(deploymentOf(undefined, 'apso-example'), {
    upstreamServers: servers,
    listen: `127.0.0.1:${port}`,
  });
  const nginx = await startNginx(serializeNginx(conf), port);
  let seen = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    nginx,
    newLines() {
      const lines = nginx.accessLog();
      const fresh = lines.slice(seen).map((line) => JSON.parse(line) as LogLine);
      seen = lines.length;
      return fresh;
    },
  };
}

/** A request's log line, once nginx has written it (it logs just after the response is sent). */
async function logged(target: Balancer, count: number): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  await eventually(async () => {
    lines.push(...target.newLines());
    return lines.length >= count;
  }, 2_000);
  return lines;
}

/**
 * An instance that fails after the request reached it: it reads the whole request, then closes the
 * connection without answering, as a crashing process would. nginx may retry such a request only
 * when it is idempotent.
 */
async function failingUpstream(): Promise<{ address: string; methods: string[]; server: Server }> {
  const methods: string[] = [];
  const server = createServer((socket) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const headersEnd = received.indexOf('\r\n\r\n');
      if (headersEnd === -1) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received)?.[1] ?? 0);
      if (received.length < headersEnd + 4 + length) return;
      methods.push(received.split(' ')[0]);
      received = '';
      socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${port}`, methods, server };
}

const hostOf = (app: RunningApp) => new URL(app.baseUrl).host;

/**
 * The schema turns authentication on and organizations are managed by operators: every request to
 * the API sends an operator's token (health probes and /metrics need none).
 */
let operator: Record<string, string>;
const asOperator = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...operator, ...(init.headers as Record<string, string> | undefined) },
});

describe('nginx in front of two API instances (Debian nginx, generated nginx.conf)', nginxSuiteOptions(), () => {
  let database: TestDatabase;
  let first: RunningApp;
  let second: RunningApp;
  const cleanups: (() => Promise<unknown>)[] = [];

  before(async () => {
    database = await createDatabase('apso_nginx');
    const env = { DATABASE_URL: database.url, REDIS_URL: await emptyRedis(REDIS_DATABASE), ...exampleAuthEnv() };
    operator = await bearer(OPERATOR);
    await runScript(join(REPO_ROOT, 'dist', 'migrate.js'), env);
    first = await startApp(join(REPO_ROOT, 'dist', 'main.js'), env);
    second = await startApp(join(REPO_ROOT, 'dist', 'main.js'), env);
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await first?.stop();
    await second?.stop();
    await database?.drop();
  });

  test("the compose file's healthcheck command (node's fetch, no curl) tells a ready instance from a dead one", async () => {
    const file = parse(readFileSync(join(REPO_ROOT, COMPOSE_SCALE_PATH), 'utf8')) as {
      services: { api: { healthcheck: { test: string[] } } };
    };
    const [kind, program, flag, script] = file.services.api.healthcheck.test;
    assert.deepEqual([kind, program, flag], ['CMD', 'node', '-e']);
    const probe = (host: string) =>
      spawnSync(process.execPath, ['-e', script.replace('127.0.0.1:3000', host)], { timeout: 10_000 }).status;
    assert.equal(probe(hostOf(first)), 0);
    assert.equal(probe(`127.0.0.1:${await freePort()}`), 1);
  });

  test('requests spread over both instances; probes are answered but not logged; X-Request-Id passes through', async () => {
    const target = await balancer([hostOf(first), hostOf(second)]);
    cleanups.push(() => target.nginx.stop());
    for (let i = 0; i < 10; i += 1)
      assert.equal((await fetch(`${target.url}/organizations`, asOperator())).status, 200);
    const lines = await logged(target, 10);
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line.upstream, (counts.get(line.upstream) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), [hostOf(first), hostOf(second)].sort());
    assert.ok(
      [...counts.values()].every((count) => count >= 3),
      JSON.stringify([...counts]),
    );

    for (const path of ['/health/ready', '/health/live', '/metrics'])
      assert.equal((await fetch(`${target.url}${path}`)).status, 200, path);
    const traced = await fetch(`${target.url}/organizations`, asOperator({ headers: { 'X-Request-Id': 'trace-42' } }));
    assert.equal(traced.headers.get('x-request-id'), 'trace-42');
    const after = await logged(target, 1);
    assert.deepEqual(
      after.map((line) => [line.uri, line.request_id]),
      [['/organizations', 'trace-42']],
      'only the API request is logged, with its id',
    );
  });

  test('least connections: while one instance holds a slow request, the next ones go to the other', async () => {
    const target = await balancer([hostOf(first), hostOf(second)]);
    cleanups.push(() => target.nginx.stop());
    const created = await fetch(
      `${first.baseUrl}/organizations`,
      asOperator({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Slow', slug: `slow-${Date.now()}` }),
      }),
    );
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    // A row lock held here keeps the PATCH in flight on whichever instance nginx picked for it.
    const lock = new Client({ connectionString: database.url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE', [id]);
      const slow = fetch(
        `${target.url}/organizations/${id}`,
        asOperator({
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Renamed' }),
        }),
      );
      await waitForBlockedQuery(database.url);
      for (let i = 0; i < 4; i += 1)
        assert.equal((await fetch(`${target.url}/organizations`, asOperator())).status, 200);
      const reads = await logged(target, 4);
      await lock.query('COMMIT');
      assert.equal((await slow).status, 200);
      const [patch] = await logged(target, 1);
      assert.equal(patch.method, 'PATCH');
      assert.deepEqual(
        reads.map((line) => line.upstream),
        Array(4).fill(patch.upstream === hostOf(first) ? hostOf(second) : hostOf(first)),
        'every read went to the instance without a request in flight',
      );
    } finally {
      await lock.end();
    }
  });

  test('a GET that fails on one instance is retried on the other; a POST is not', async () => {
    const failing = await failingUpstream();
    cleanups.push(() => new Promise((resolve) => failing.server.close(resolve)));
    const target = await balancer([failing.address, hostOf(first)]);
    cleanups.push(() => target.nginx.stop());

    // Round robin among idle instances: within two requests one reaches the failing instance.
    let post: LogLine | undefined;
    for (let i = 0; i < 2 && !post; i += 1) {
      const slug = `nginx-${i}-${Date.now()}`;
      const response = await fetch(
        `${target.url}/organizations`,
        asOperator({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Balanced', slug }),
        }),
      );
      const [line] = await logged(target, 1);
      if (line.upstream.includes(failing.address)) {
        post = line;
        assert.equal(response.status, 502);
      } else assert.equal(response.status, 201);
    }
    assert.ok(post, 'a POST reached the failing instance');
    assert.equal(post.upstream, failing.address, 'the POST was not sent to a second instance');
    assert.deepEqual(failing.methods, ['POST']);

    let retried: LogLine | undefined;
    for (let i = 0; i < 2 && !retried; i += 1) {
      assert.equal((await fetch(`${target.url}/organizations`, asOperator())).status, 200);
      const [line] = await logged(target, 1);
      if (line.upstream.includes(failing.address)) retried = line;
    }
    assert.ok(retried, 'a GET reached the failing instance');
    assert.equal(retried.upstream, `${failing.address}, ${hostOf(first)}`);
    assert.equal(retried.status, 200);
    assert.deepEqual(failing.methods, ['POST', 'GET']);
  });

  test('with one instance stopped, every request is answered by the other (a refused POST was never sent)', async () => {
    const target = await balancer([hostOf(first), hostOf(second)]);
    cleanups.push(() => target.nginx.stop());
    await second.stop();
    // A refused connection means the request was never sent: nginx may then try a POST elsewhere.
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(
        `${target.url}/organizations`,
        asOperator({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Refused', slug: `refused-${i}-${Date.now()}` }),
        }),
      );
      assert.equal(response.status, 201);
    }
    const posts = await logged(target, 2);
    assert.ok(
      posts.some((line) => line.upstream === `${hostOf(second)}, ${hostOf(first)}`),
      `a POST refused by the stopped instance was sent to the other: ${JSON.stringify(posts.map((l) => l.upstream))}`,
    );
    for (let i = 0; i < 6; i += 1) assert.equal((await fetch(`${target.url}/organizations`, asOperator())).status, 200);
    const lines = await logged(target, 6);
    assert.ok(
      lines.some((line) => line.upstream === `${hostOf(second)}, ${hostOf(first)}`),
      `a request was retried after the stopped instance refused it: ${JSON.stringify(lines.map((l) => l.upstream))}`,
    );
    assert.ok(lines.every((line) => line.status === 200));
  });
});
