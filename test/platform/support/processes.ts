import { ChildProcess, spawn } from 'node:child_process';
import { compiledPath } from './compiled';

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a compiled entry point of the fixture app (e.g. `src/migrate`) to completion. */
export function runEntryPoint(sourcePath: string, env: Record<string, string>, timeoutMs = 20_000): Promise<Finished> {
  const child = startEntryPoint(sourcePath, env);
  return finished(child, timeoutMs);
}

/** Starts a compiled entry point with exactly `env` (plus PATH), so the tests' own env cannot leak in. */
export function startEntryPoint(sourcePath: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [compiledPath(sourcePath)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess, timeoutMs = 20_000): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Let the pipes drain before handing back the output.
      setImmediate(() => resolve({ code, stdout, stderr }));
    });
  });
}

/** Resolves with the first stdout JSON line matching `predicate` (the child's pino logs). */
export function waitForLogLine(
  child: ChildProcess,
  predicate: (line: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`no matching log line in ${timeoutMs} ms\n${buffered}\n${stderr}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (predicate(entry)) {
            clearTimeout(timer);
            resolve(entry);
            return;
          }
        } catch {
          // A partial line; it is parsed again once complete.
        }
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before logging the line\n${buffered}\n${stderr}`)),
    );
  });
}
