import { Worker } from 'node:worker_threads';
import type { Options } from 'prettier';

export interface FormatJob {
  readonly path: string;
  readonly source: string;
  readonly parser: string;
}

/*
 * Prettier is synchronous CPU work in one thread; a schema of a few hundred entities plans over a
 * thousand files, so they are split across worker threads. The worker is a small CommonJS program
 * given as text (not a file) so that it runs the same from the compiled package and from the
 * TypeScript sources under a loader; it requires prettier from the path this module resolves.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const prettier = require(workerData.prettier);
(async () => {
  const outputs = [];
  for (const job of workerData.jobs) {
    try {
      outputs.push(await prettier.format(job.source, { ...workerData.options, parser: job.parser }));
    } catch (error) {
      throw new Error('apso produced invalid ' + job.parser + ' for ' + job.path + ': ' + error.message);
    }
  }
  parentPort.postMessage(outputs);
})().catch((error) => parentPort.postMessage({ error: error.message }));
`;

/** Formats `jobs` in `threads` workers; outputs come back in the order of `jobs`. */
export async function formatInWorkers(
  jobs: readonly FormatJob[],
  options: Options,
  threads: number,
): Promise<string[]> {
  // Interleaved slices: neighbouring files are alike in size, so each worker gets a fair share.
  const slices = Array.from({ length: threads }, (_, slice) => jobs.filter((_, index) => index % threads === slice));
  const results = await Promise.all(slices.map((slice) => runWorker(slice, options)));
  return jobs.map((_, index) => results[index % threads][Math.floor(index / threads)]);
}

function runWorker(jobs: readonly FormatJob[], options: Options): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [], // plain JavaScript: no loader or test-runner flags of the parent
      workerData: { prettier: require.resolve('prettier'), options, jobs },
    });
    worker.once('message', (message: string[] | { error: string }) => {
      void worker.terminate();
      if (Array.isArray(message)) resolve(message);
      else reject(new Error(message.error));
    });
    worker.once('error', reject);
  });
}
