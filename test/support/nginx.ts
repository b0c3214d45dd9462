import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';

/** Debian's nginx; `.ci/run` installs the package. */
export const NGINX_BIN = '/usr/sbin/nginx';

/**
 * node:test options for a suite that runs nginx: skipped with the reason when the binary is absent,
 * except in CI (`CI` set), where the suite fails instead, so it cannot go unnoticed.
 */
export function nginxSuiteOptions(env: NodeJS.ProcessEnv = process.env): { skip?: string } {
  const inCi = Boolean(env.CI) && env.CI !== 'false';
  return existsSync(NGINX_BIN) || inCi ? {} : { skip: `no nginx at ${NGINX_BIN} (apt-get install nginx)` };
}

/** The pid file and error log in the temp prefix: never the machine's /run/nginx.pid or /var/log/nginx. */
const globals = (dir: string) => `pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')};`;

export interface NginxTestResult {
  readonly status: number | null;
  readonly output: string;
}

/**
 * `nginx -t` on a copy of `conf` in a temp prefix. nginx resolves every upstream server name while it
 * checks, so the names in `hosts` resolve to 127.0.0.1 through a hosts file bind-mounted over
 * /etc/hosts in a mount namespace of this command alone (`unshare --mount`): the machine's own
 * /etc/hosts is never touched. Without root, a user namespace maps this user to root for the mount.
 */
export function nginxConfigTest(conf: string, hosts: readonly string[]): NginxTestResult {
  const dir = mkdtempSync(join(tmpdir(), 'apso-nginx-t-'));
  try {
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const hostsFile = join(dir, 'hosts');
    writeFileSync(
      hostsFile,
      `${readFileSync('/etc/hosts', 'utf8')}\n${hosts.map((host) => `127.0.0.1 ${host}`).join('\n')}\n`,
    );
    const nginx = [NGINX_BIN, '-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', globals(dir)];
    const userNamespace = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
    const stdout = openSync(join(dir, 'stdout'), 'w');
    const result = spawnSync(
      'unshare',
      [...userNamespace, '--mount', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, ...nginx],
      // A file, not a pipe: node's pipes are sockets, which `access_log /dev/stdout` cannot open.
      { encoding: 'utf8', stdio: ['ignore', stdout, 'pipe'] },
    );
    closeSync(stdout);
    if (result.error) throw result.error;
    return { status: result.status, output: `${readFileSync(join(dir, 'stdout'), 'utf8')}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningNginx {
  /** Lines nginx wrote to its access log (stdout) so far. */
  accessLog(): string[];
  stop(): Promise<void>;
}

/** A real nginx in the foreground on `conf`, in a temp prefix; resolves once it accepts connections on `port`. */
export async function startNginx(conf: string, port: number): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'apso-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const stdoutPath = join(dir, 'stdout');
  const stdout = openSync(stdoutPath, 'w');
  // The access log goes to /dev/stdout: a file here, since node's pipes are sockets nginx cannot open.
  const child: ChildProcess = spawn(
    NGINX_BIN,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; ${globals(dir)}`],
    { stdio: ['ignore', stdout, 'pipe'] },
  );
  closeSync(stdout);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${stderr}`);
    if (await accepts(port)) break;
    {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`nginx did not listen on ${port} within 10 s:\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    accessLog: () =>
      readFileSync(stdoutPath, 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
    stop,
  };
}

/** A TCP connection opens: no request is sent, so nothing reaches an upstream or the access log. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
