import type { TestContext } from 'node:test';
import fc from 'fast-check';

/**
 * Runs a fast-check property under node:test so that a failure can be replayed. The seed is random
 * unless `<prefix>_SEED` is set (so every CI run explores new cases), and is printed as a diagnostic
 * either way; a failure's message ends with the exact command that replays its shrunk counterexample
 * (`<prefix>_SEED` and `<prefix>_PATH`), since node:test's report otherwise only shows the assertion.
 * `<prefix>_RUNS` overrides the number of runs.
 */
export async function assertProperty<Ts>(
  t: TestContext,
  options: { readonly prefix: string; readonly runs: number; readonly file: string },
  property: fc.IRawProperty<Ts>,
): Promise<void> {
  const seed = integerFromEnv(`${options.prefix}_SEED`) ?? (Math.random() * 0x7fffffff) | 0;
  const path = process.env[`${options.prefix}_PATH`];
  const numRuns = integerFromEnv(`${options.prefix}_RUNS`) ?? options.runs;
  t.diagnostic(`fast-check seed ${seed} (${options.prefix}_SEED=${seed} reproduces this run), ${numRuns} runs`);
  const details = await fc.check(property, { seed, numRuns, ...(path === undefined ? {} : { path }) });
  if (!details.failed) return;
  const replay =
    `${options.prefix}_SEED=${details.seed} ${options.prefix}_PATH="${details.counterexamplePath}" ` +
    `node scripts/test.mjs ${options.file}`;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `${fc.defaultReportMessage(details)}\n\nIt failed with: ${cause}\n\nReplay the shrunk counterexample: ${replay}`,
    {
      cause: details.errorInstance,
    },
  );
}

function integerFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(value)}`);
  return Number(value);
}
