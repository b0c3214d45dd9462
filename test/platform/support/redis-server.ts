import { ChildProcess, spawn } from 'node:child_process';
import { createClient } from '@keyv/redis';
import { freePort } from '../../support/services';

export interface RedisServer {
  readonly url: string;
  /** SIGSTOP: the server keeps its connections open but answers nothing, as a hung Redis does. */
  freeze(): void;
  /** SIGCONT: the server answers again, including every command sent while it was frozen. */
  thaw(): void;
  /** Kills the server (thawing it first, so it can die); safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port and without persistence, so a test can freeze
 * or configure it without affecting anyone else sharing the machine's Redis. `options` are more
 * command-line settings, e.g. `['--maxmemory', '2mb']`.
 */
export async function startRedisServer(options: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...options],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}

async function waitUntilAnswering(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.quit();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${url} within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
