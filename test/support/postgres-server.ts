import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './services';

export interface PostgresServer {
  /** A URL of a database on this server (the superuser is `root`, trust auth on 127.0.0.1). */
  url(database?: string): string;
  /** pg_ctl start: the server accepts connections again, with the data it had. */
  start(): void;
  /** pg_ctl stop -m fast: open connections are terminated (57P01), new ones refused. */
  stop(): void;
  /** Stops the server and removes its data directory; safe to call twice. */
  destroy(): void;
}

/** The newest installed PostgreSQL's binaries (Debian keeps them off the PATH). */
function binDirectory(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((version) => join(root, version, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (!found) throw new Error(`no PostgreSQL server binaries under ${root} (Debian package postgresql)`);
  return found;
}

/**
 * A PostgreSQL server of the test's own, in a temporary data directory on a free port, so a test
 * can stop and start it without affecting anyone else sharing the machine's server. PostgreSQL
 * refuses to run as root, so under root its commands run as the `postgres` system user.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDirectory();
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'apso-pg-'));
  const data = join(home, 'data');
  const asServerUser = process.getuid?.() === 0;
  if (asServerUser) {
    chmodSync(home, 0o755);
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres']).toString()));
    chownSync(home, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const [file, fullArgs] = asServerUser
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    execFileSync(file, fullArgs, { stdio: 'pipe' });
  };
  const options = `-p ${port} -k ${home} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  const server: PostgresServer = {
    url: (database = 'postgres') => `postgres://root@127.0.0.1:${port}/${database}`,
    start() {
      run('pg_ctl', ['-D', data, '-l', join(home, 'log'), '-w', '-o', options, 'start']);
      running = true;
    },
    stop() {
      if (running) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    destroy() {
      server.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'root', '-E', 'UTF8', '--no-sync']);
    server.start();
  } catch (error) {
    server.destroy();
    throw error;
  }
  return server;
}
