/**
 * HTTP adapter benchmark: GET /items/:id under load, NestJS 11 + TypeORM on Express vs on Fastify,
 * each measured against a plain node:http + pg baseline run in the same round.
 *
 *   npm run bench:adapter
 *
 * How it is run: `tsc -p bench/tsconfig.json` then `node bench/.dist/adapter.js` (that is what the
 * npm script does). It is compiled with tsc, not run with tsx, because tsx/esbuild does not emit
 * decorator metadata (emitDecoratorMetadata) and Nest's DI and TypeORM's column types rely on it, as
 * the generated services do; bench/tsconfig.json extends the root tsconfig, so the compiler options
 * are the services' own. The output in bench/.dist is git-ignored.
 *
 * What it does:
 *  1. Creates a throwaway database apso_bench_<random> on postgres://root@127.0.0.1:5432 with one
 *     table `items` of 100,000 rows (generate_series), and drops it at the end, whatever happens.
 *  2. Runs each server in its own child process (this file with `--serve <kind>`), each with a pg
 *     pool of 10, listening on 127.0.0.1 only:
 *       baseline  node:http + pg, `SELECT ... WHERE id = $1`, UUID check, 400/404/200 JSON;
 *       express   NestJS + @nestjs/platform-express, TypeORM Repository.findOneBy({ id });
 *       fastify   the same Nest app on @nestjs/platform-fastify.
 *     Nest's logger and TypeORM's logging are off. The controller uses ParseUUIDPipe and throws
 *     NotFoundException; every server is checked for the same 200 body, 404 and 400 before its run.
 *  3. Loads each one from this (parent) process with autocannon: BENCH_CONNECTIONS connections
 *     (default 64), a 2 s warm-up then BENCH_DURATION seconds (default 8) measured, each request for
 *     one of 1,000 random existing ids. Order: baseline, express, fastify, twice. A fresh server
 *     process per run. Each server's req/s is divided by the baseline's of the same round, because
 *     absolute numbers on a small, shared machine drift between runs; the ratios drift much less.
 *  4. Prints a Markdown table and writes it, with the command, date, versions and a conclusion
 *     computed from the numbers, to bench/adapter.md.
 *
 * Besides req/s and latency, each run records the server process's CPU time per request (a steadier
 * signal than throughput when other work shares the machine) and the load average at its end.
 *
 * The whole run is bounded (BENCH_DEADLINE_S, default 170 s) and cleans up on failure or Ctrl-C.
 */
import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Pool } from 'pg';
import { Controller, Get, Module, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Column, Entity, PrimaryGeneratedColumn, Repository } from 'typeorm';
import autocannon = require('autocannon');

type ServerKind = 'baseline' | 'express' | 'fastify';
const KINDS: ServerKind[] = ['baseline', 'express', 'fastify'];

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const ROWS = 100_000;
const IDS = 1_000;
const POOL_SIZE = 10;
const ROUNDS = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 2);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 170);
const COMMAND = 'npm run bench:adapter';

// ---------------------------------------------------------------------------------------------
// The servers (child processes)
// ---------------------------------------------------------------------------------------------

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Entity({ name: 'items' })
class Item {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'numeric', precision: 10, scale: 2 })
  price!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

@Controller('items')
class ItemsController {
  constructor(@InjectRepository(Item) private readonly items: Repository<Item>) {}

  @Get(':id')
  async findOne(@Param('id', ParseUUIDPipe) id: string): Promise<Item> {
    const item = await this.items.findOneBy({ id });
    if (!item) throw new NotFoundException(`Item ${id} not found`);
    return item;
  }
}

function appModule(databaseUrl: string): new () => unknown {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: databaseUrl,
        entities: [Item],
        synchronize: false,
        logging: false,
        poolSize: POOL_SIZE,
      }),
      TypeOrmModule.forFeature([Item]),
    ],
    controllers: [ItemsController],
  })
  class BenchModule {}
  return BenchModule;
}

/** Starts one server on 127.0.0.1:<random port>; returns the port and a close function. */
async function startServer(
  kind: ServerKind,
  databaseUrl: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  if (kind === 'baseline') {
    const pool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
    const send = (res: http.ServerResponse, status: number, body: unknown): void => {
      const json = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(json),
      });
      res.end(json);
    };
    const server = http.createServer((req, res) => {
      const match = req.method === 'GET' ? /^\/items\/([^/?]+)$/.exec(req.url ?? '') : null;
      if (!match) return send(res, 404, { statusCode: 404, message: 'Not Found' });
      const id = match[1];
      if (!UUID_RE.test(id))
        return send(res, 400, { statusCode: 400, message: 'Validation failed (uuid is expected)' });
      pool
        .query('SELECT id, name, price, created_at AS "createdAt" FROM items WHERE id = $1 LIMIT 1', [id])
        .then((r) =>
          r.rows[0] ? send(res, 200, r.rows[0]) : send(res, 404, { statusCode: 404, message: `Item ${id} not found` }),
        )
        .catch(() => send(res, 500, { statusCode: 500, message: 'Internal server error' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await pool.end();
      },
    };
  }

  const adapter =
    kind === 'express'
      ? new (await import('@nestjs/platform-express')).ExpressAdapter()
      : new (await import('@nestjs/platform-fastify')).FastifyAdapter();
  const app = await NestFactory.create(appModule(databaseUrl), adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  return { port: address.port, close: () => app.close() };
}

async function serveChild(kind: ServerKind): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) throw new Error('BENCH_DATABASE_URL is not set');
  const server = await startServer(kind, databaseUrl);
  process.send?.({ ready: true, port: server.port });
  // The parent brackets the measured run with these, to get this process's CPU time per request.
  let cpuStart = process.cpuUsage();
  process.on('message', (msg: { cmd?: string }) => {
    if (msg.cmd === 'cpu-start') {
      cpuStart = process.cpuUsage();
      process.send?.({ cpuStarted: true });
    } else if (msg.cmd === 'cpu-stop') {
      const used = process.cpuUsage(cpuStart);
      process.send?.({ cpuMicros: used.user + used.system });
    }
  });
  const stop = (): void => {
    const force = setTimeout(() => process.exit(0), 2000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

// ---------------------------------------------------------------------------------------------
// The parent: database, runs, report
// ---------------------------------------------------------------------------------------------

interface Run {
  round: number;
  kind: ServerKind;
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU time (user + system) of the server process during the measured run, per request. */
  cpuMicrosPerReq: number;
  /** 1-minute load average when the run ended: other work on the machine shows up here. */
  load1: number;
}

/** Sends a command to a server child and waits for its answer carrying `key`. */
function ask<T>(child: ChildProcess, cmd: string, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${cmd}`)), 5000);
    const onMessage = (msg: Record<string, unknown>): void => {
      if (!(key in msg)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(msg[key] as T);
    };
    child.on('message', onMessage);
    child.send({ cmd });
  });
}

const children = new Set<ChildProcess>();

function spawnServer(kind: ServerKind, databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, ['--serve', kind], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start within 30 s`)), 30_000);
    child.once('message', (msg: { ready?: boolean; port?: number }) => {
      clearTimeout(timer);
      if (msg.ready && msg.port) resolve({ child, port: msg.port });
      else reject(new Error(`${kind} server sent ${JSON.stringify(msg)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with code ${code} before it was ready`));
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The three servers must answer alike, or the comparison means nothing. */
async function checkServer(kind: ServerKind, port: number, id: string, expected: unknown): Promise<void> {
  const base = `http://127.0.0.1:${port}/items/`;
  const ok = await fetch(base + id);
  const body: unknown = await ok.json();
  if (ok.status !== 200 || JSON.stringify(body) !== JSON.stringify(expected)) {
    throw new Error(
      `${kind}: GET existing id gave ${ok.status} ${JSON.stringify(body)}, expected 200 ${JSON.stringify(expected)}`,
    );
  }
  const missing = await fetch(base + randomUUID());
  if (missing.status !== 404) throw new Error(`${kind}: GET unknown id gave ${missing.status}, expected 404`);
  const invalid = await fetch(base + 'not-a-uuid');
  if (invalid.status !== 400) throw new Error(`${kind}: GET invalid id gave ${invalid.status}, expected 400`);
}

function load(port: number, ids: string[], duration: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/items/${ids[Math.floor(Math.random() * ids.length)]}` }),
      },
    ],
  });
}

async function measure(
  round: number,
  kind: ServerKind,
  databaseUrl: string,
  ids: string[],
  sample: { id: string; body: unknown },
): Promise<Run> {
  const { child, port } = await spawnServer(kind, databaseUrl);
  try {
    await checkServer(kind, port, sample.id, sample.body);
    await load(port, ids, WARMUP_S);
    await ask(child, 'cpu-start', 'cpuStarted');
    const r = await load(port, ids, DURATION_S);
    const cpuMicros = await ask<number>(child, 'cpu-stop', 'cpuMicros');
    const run: Run = {
      round,
      kind,
      reqPerSec: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      total: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      cpuMicrosPerReq: cpuMicros / Math.max(1, r.requests.total),
      load1: os.loadavg()[0],
    };
    process.stderr.write(
      `round ${round} ${kind.padEnd(8)} ${run.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  server CPU ${run.cpuMicrosPerReq.toFixed(0)} µs/req  load ${run.load1.toFixed(2)}` +
        `  (non-2xx ${run.non2xx}, errors ${run.errors}, timeouts ${run.timeouts})\n`,
    );
    return run;
  } finally {
    await stopServer(child);
  }
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Installed version of a package (read from node_modules: some packages do not export package.json). */
const version = (pkg: string): string =>
  (
    JSON.parse(readFileSync(path.resolve(__dirname, '../../node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
const loadavg = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

function report(
  runs: Run[],
  meta: { date: string; pgVersion: string; elapsedS: number; loadBefore: string; loadAfter: string },
): string {
  const rounds = [...new Set(runs.map((r) => r.round))];
  const baselineOf = (round: number): number => runs.find((r) => r.round === round && r.kind === 'baseline')!.reqPerSec;
  const ratio = (r: Run): number => r.reqPerSec / baselineOf(r.round);

  const rows = runs.map(
    (r) =>
      `| ${r.round} | ${r.kind} | ${fmt(r.reqPerSec)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.kind === 'baseline' ? '1.00' : fmt(ratio(r), 2)} | ` +
      `${fmt(r.cpuMicrosPerReq)} | ${fmt(r.total)} | ${r.non2xx + r.errors + r.timeouts} | ${fmt(r.load1, 2)} |`,
  );
  const table = [
    '| Round | Server | req/s | p50 (ms) | p99 (ms) | req/s ÷ baseline | server CPU (µs/req) | requests | non-2xx + errors | load avg (1 min) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');

  const summaryOf = (kind: ServerKind) => {
    const rs = runs.filter((r) => r.kind === kind);
    return {
      kind,
      reqPerSec: mean(rs.map((r) => r.reqPerSec)),
      p50: mean(rs.map((r) => r.p50)),
      p99: mean(rs.map((r) => r.p99)),
      cpu: mean(rs.map((r) => r.cpuMicrosPerReq)),
      ratios: rs.map(ratio),
      ratio: mean(rs.map(ratio)),
    };
  };
  const summary = KINDS.map(summaryOf);
  const summaryTable = [
    '| Server | mean req/s | mean p50 (ms) | mean p99 (ms) | req/s ÷ baseline, per round | mean ratio | mean server CPU (µs/req) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...summary.map(
      (s) =>
        `| ${s.kind} | ${fmt(s.reqPerSec)} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} | ${s.ratios.map((x) => fmt(x, 2)).join(' / ')} | ${fmt(s.ratio, 2)} | ${fmt(s.cpu)} |`,
    ),
  ].join('\n');

  const [base, ex, fa] = summary;
  const bad = runs.filter((r) => r.non2xx + r.errors + r.timeouts > 0);
  const winner = fa.ratio >= ex.ratio ? fa : ex;
  const loser = winner === fa ? ex : fa;
  const gain = winner.ratio / loser.ratio - 1;
  const runOf = (kind: ServerKind, round: number): Run => runs.find((r) => r.kind === kind && r.round === round)!;
  // Paired per round: the two adapters ran back to back against the same round's baseline.
  const aheadEveryRound = rounds.every((round) => ratio(runOf(winner.kind, round)) > ratio(runOf(loser.kind, round)));
  const cheaperEveryRound = rounds.every(
    (round) => runOf(winner.kind, round).cpuMicrosPerReq < runOf(loser.kind, round).cpuMicrosPerReq,
  );
  const drift = Math.max(
    ...KINDS.map((k) => {
      const rps = runs.filter((r) => r.kind === k).map((r) => r.reqPerSec);
      return Math.max(...rps) / Math.min(...rps) - 1;
    }),
  );
  const clear = aheadEveryRound && cheaperEveryRound && gain > 0.05;
  const name = (k: ServerKind): string =>
    k === 'fastify' ? 'Fastify (@nestjs/platform-fastify)' : 'Express (@nestjs/platform-express)';
  const conclusion =
    (clear
      ? `**Use ${name(winner.kind)}.** On GET-by-id through Nest + TypeORM it reached ${fmt(winner.ratio * 100)}% of the plain node:http + pg ` +
        `baseline's throughput against ${fmt(loser.ratio * 100)}% for ${loser.kind} (per round ${winner.ratios.map((x) => fmt(x, 2)).join(', ')} vs ` +
        `${loser.ratios.map((x) => fmt(x, 2)).join(', ')}), ahead in every round, and its server process spent ` +
        `${fmt(winner.cpu)} µs of CPU per request against ${fmt(loser.cpu)} µs, lower in every round. CPU per request is the steadier signal ` +
        `(it rises somewhat when other work shares the CPUs, but far less than throughput falls). `
      : `**No clear winner.** ${winner.kind} averaged ${fmt(winner.ratio * 100)}% of the baseline's throughput and ${loser.kind} ` +
        `${fmt(loser.ratio * 100)}% (${fmt(gain * 100)}% apart), at ${fmt(winner.cpu)} vs ${fmt(loser.cpu)} µs of server CPU per request, ` +
        `but it was not ahead on both throughput and CPU per request in every round, so this run does not settle the choice. `) +
    `Mean latency: Fastify p50 ${fmt(fa.p50, 1)} ms / p99 ${fmt(fa.p99, 1)} ms, Express p50 ${fmt(ex.p50, 1)} ms / p99 ${fmt(ex.p99, 1)} ms, ` +
    `baseline p50 ${fmt(base.p50, 1)} ms / p99 ${fmt(base.p99, 1)} ms (baseline server CPU ${fmt(base.cpu)} µs/req). ` +
    `The gap to the baseline is Nest's per-request cost (routing, pipes, TypeORM query building and entity hydration) on top of the same ` +
    `indexed single-row lookup, and the adapter is the only thing that differs between the two Nest servers. ` +
    (bad.length
      ? `Caution: ${bad.length} run(s) had non-2xx responses, errors or timeouts (see the table), so those numbers are suspect. `
      : `Every run answered every request with 200, without errors or timeouts. `) +
    `The same server's throughput moved by up to ${fmt(drift * 100)}% between rounds on this ${os.cpus().length}-core machine, where ` +
    `PostgreSQL, the server and the load generator share the CPUs (and anything else running shows in the load average column), ` +
    `so read the ratios and CPU per request, not the absolute req/s, and re-run \`${COMMAND}\` before relying on small differences.`;

  return [
    '# HTTP adapter benchmark: Express vs Fastify (NestJS 11 + TypeORM) against node:http + pg',
    '',
    `- Command: \`${COMMAND}\` (compiles bench/adapter.ts with tsc, runs bench/.dist/adapter.js)`,
    `- Date: ${meta.date}`,
    `- Node ${process.version}, ${os.type()} ${os.release()}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    `- ${meta.pgVersion.split(' on ')[0]} on 127.0.0.1; @nestjs/core ${version('@nestjs/core')}, @nestjs/platform-express ${version('@nestjs/platform-express')}, ` +
      `@nestjs/platform-fastify ${version('@nestjs/platform-fastify')}, express ${version('express')}, fastify ${version('fastify')}, ` +
      `typeorm ${version('typeorm')}, pg ${version('pg')}, autocannon ${version('autocannon')}`,
    `- Workload: GET /items/:id over ${fmt(IDS)} random existing ids of a ${fmt(ROWS)}-row table (uuid primary key); ` +
      `${CONNECTIONS} connections, no pipelining, ${WARMUP_S} s warm-up then ${DURATION_S} s measured per run; each server in its own process with a pg pool of ${POOL_SIZE}; ` +
      `rounds run baseline → express → fastify, twice, a fresh server process per run; ratios are to the same round's baseline; ` +
      `server CPU is the server process's user + system time during the measured ${DURATION_S} s divided by the requests served (PostgreSQL's own CPU not included). ` +
      `Whole run: ${fmt(meta.elapsedS)} s.`,
    `- Load average (1 / 5 / 15 min) before: ${meta.loadBefore}, after: ${meta.loadAfter}`,
    '',
    '## Runs',
    '',
    table,
    '',
    '## Summary',
    '',
    summaryTable,
    '',
    '## Conclusion',
    '',
    conclusion,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg();
  const dbName = `apso_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  let created = false;

  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await Promise.all([...children].map(stopServer));
      if (created)
        await admin
          .query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
          .catch((e) => console.error(`could not drop ${dbName}:`, e));
      await admin.end().catch(() => undefined);
    })());
  const abort = (why: string): void => {
    console.error(why);
    void cleanup().finally(() => process.exit(1));
  };
  const deadline = setTimeout(() => abort(`bench exceeded its ${DEADLINE_S} s deadline; aborted`), DEADLINE_S * 1000);
  process.once('SIGINT', () => abort('interrupted'));

  try {
    const pgVersion = ((await admin.query('SELECT version() AS v')).rows[0] as { v: string }).v;
    await admin.query(`CREATE DATABASE ${dbName}`);
    created = true;

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    let ids: string[];
    let sample: { id: string; body: unknown };
    try {
      await db.query(`CREATE TABLE items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        price numeric(10,2) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
      await db.query(
        `INSERT INTO items (name, price) SELECT 'item ' || g, round((random() * 1000)::numeric, 2) FROM generate_series(1, ${ROWS}) AS g`,
      );
      await db.query('ANALYZE items');
      ids = (await db.query(`SELECT id FROM items ORDER BY random() LIMIT ${IDS}`)).rows.map(
        (r: { id: string }) => r.id,
      );
      const row = (
        await db.query('SELECT id, name, price, created_at AS "createdAt" FROM items WHERE id = $1', [ids[0]])
      ).rows[0] as Record<string, unknown>;
      sample = { id: ids[0], body: JSON.parse(JSON.stringify(row)) };
    } finally {
      await db.end();
    }
    process.stderr.write(
      `database ${dbName}: ${fmt(ROWS)} rows, ${IDS} ids sampled (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );

    const runs: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of KINDS) runs.push(await measure(round, kind, databaseUrl, ids, sample));
    }

    const md = report(runs, {
      date: new Date().toISOString(),
      pgVersion,
      elapsedS: (Date.now() - started) / 1000,
      loadBefore,
      loadAfter: loadavg(),
    });
    writeFileSync(path.join(__dirname, '..', 'adapter.md'), md);
    console.log(md);
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
}

if (process.argv[2] === '--serve') {
  serveChild(process.argv[3] as ServerKind).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
