import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './services';

/** Debian's prometheus package; the same binaries CI installs. */
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * node:test options for a suite that needs `binary`: skipped with the reason when it is missing,
 * except in CI (`CI` set), where the suite runs and fails, so a missing package cannot go unnoticed.
 */
export function needsBinary(binary: string, install: string): { readonly skip?: string } {
  return existsSync(binary) || inCi ? {} : { skip: `${binary} is not installed (apt-get install ${install})` };
}

/** kubectl is found on PATH, wherever it was installed. */
export function kubectlOnPath(): { readonly skip?: string } {
  const found = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  return found || inCi ? {} : { skip: 'kubectl is not on PATH' };
}

export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

export function run(command: string, args: readonly string[], cwd?: string): ToolResult {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export const promtool = (args: readonly string[], cwd?: string) => run(PROMTOOL_BIN, args, cwd);

/** A folder of its own under the system's temp dir; `remove` deletes it. */
export function tempDir(prefix: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** One answer of Prometheus' HTTP query API. */
export interface QueryAnswer {
  readonly status: 'success' | 'error';
  readonly error?: string;
  readonly data?: { readonly resultType: string; readonly result: readonly unknown[] };
}

export interface RunningPrometheus {
  readonly url: string;
  query(expr: string): Promise<QueryAnswer>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a free port with its storage in a temp folder. `config` is written as
 * prometheus.yml beside `files` (rule files it names by relative path).
 */
export async function startPrometheus(
  config: object,
  files: Readonly<Record<string, string>> = {},
): Promise<RunningPrometheus> {
  const dir = tempDir('apso-prometheus');
  writeFileSync(join(dir.path, 'prometheus.yml'), stringify(config));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir.path, name), content);
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir.path, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = collect(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    dir.remove();
  };
  try {
    await waitUntilReady(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    output,
    stop,
    async query(expr: string) {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }),
      });
      return (await response.json()) as QueryAnswer;
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus was not ready within 30 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function collect(child: ChildProcess): () => string {
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return () => chunks.join('').slice(-20_000);
}
