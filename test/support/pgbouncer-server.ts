import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'js-ini';

/** Debian's PgBouncer (package pgbouncer). */
export const PGBOUNCER_BINARY = '/usr/sbin/pgbouncer';

/** PgBouncer's config as js-ini reads it (autoTyping off): sections of string values. */
export type IniObject = Record<string, Record<string, string>>;

/**
 * node:test options of a suite that runs PgBouncer: skipped with the reason when the binary is
 * absent, except in CI, where the suite fails instead (as the corpus tests do).
 */
export function pgbouncerTestOptions(env: NodeJS.ProcessEnv = process.env): { skip?: string } {
  const inCi = Boolean(env.CI) && env.CI !== 'false';
  return existsSync(PGBOUNCER_BINARY) || inCi ? {} : { skip: `no ${PGBOUNCER_BINARY} (Debian package pgbouncer)` };
}

/** A temporary folder PgBouncer may write its log, pid file and socket into, as whichever user runs it. */
export function pgbouncerHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'apso-pgbouncer-'));
  if (runsAsServerUser()) {
    chmodSync(home, 0o755);
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres']).toString()));
    chownSync(home, uid, gid);
  }
  return home;
}

export interface PgbouncerServer {
  /** A URL through PgBouncer to one of its [databases] entries. */
  url(database: string, user?: string): string;
  /** PgBouncer's log file so far. */
  log(): string;
  /** Stops PgBouncer (SIGTERM to its own pid) and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs PgBouncer daemonized on `config` (which must name its listen_port, pidfile and logfile in
 * `home`), with an auth file listing `users` without passwords. PgBouncer refuses to run as root, so
 * under root it runs as the `postgres` system user, as the test PostgreSQL servers do.
 */
export async function startPgbouncer(
  home: string,
  config: IniObject,
  users: readonly string[],
): Promise<PgbouncerServer> {
  const settings = config.pgbouncer;
  writeFileSync(settings.auth_file, users.map((user) => `"${user}" ""\n`).join(''), { mode: 0o644 });
  const iniPath = join(home, 'pgbouncer.ini');
  writeFileSync(iniPath, stringify(config, { spaceBefore: true, spaceAfter: true }), { mode: 0o644 });
  const [file, args] = runsAsServerUser()
    ? ['runuser', ['-u', 'postgres', '--', PGBOUNCER_BINARY, '-d', iniPath]]
    : [PGBOUNCER_BINARY, ['-d', iniPath]];
  const log = () => (existsSync(settings.logfile) ? readFileSync(settings.logfile, 'utf8') : '');
  try {
    execFileSync(file, args, { stdio: 'pipe' });
    await listening(Number(settings.listen_port));
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw new Error(`PgBouncer did not start: ${String(error)}\n${log()}`);
  }
  let stopped = false;
  return {
    url: (database, user = 'root') => `postgres://${user}@127.0.0.1:${settings.listen_port}/${database}`,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      const pid = Number(readFileSync(settings.pidfile, 'utf8').trim());
      process.kill(pid, 'SIGTERM');
      await exited(pid);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function runsAsServerUser(): boolean {
  return process.getuid?.() === 0;
}

async function listening(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function exited(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`PgBouncer ${pid} still runs ${timeoutMs} ms after SIGTERM`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The `key=value` pairs of a [databases] entry, as PgBouncer reads them: a value between single
 * quotes may hold spaces, and a doubled quote inside stands for one.
 */
export function connectionStringPairs(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  let rest = text.trim();
  while (rest !== '') {
    const match = /^([a-z_]+)=(?:'((?:[^']|'')*)'|([^\s']*))(?:\s+|$)/.exec(rest);
    if (!match) throw new Error(`not a PgBouncer connection string: ${text}`);
    pairs.push([match[1], match[2] !== undefined ? match[2].replace(/''/g, "'") : match[3]]);
    rest = rest.slice(match[0].length);
  }
  return pairs;
}
