import { spawnSync } from 'node:child_process';

/**
 * node:test options for tests that run a binary of the machine (kubectl, say): skipped with the
 * reason when it does not run here, except in CI (`CI` set), where a missing tool must fail the
 * tests rather than hide them (.ci/run installs it).
 */
export function requiredTool(command: string, versionArgs: string[], env = process.env): { skip?: string } {
  const result = spawnSync(command, versionArgs, { encoding: 'utf8' });
  const inCi = Boolean(env.CI) && env.CI !== 'false';
  if (result.status === 0 || inCi) return {};
  return { skip: `${command} is not installed (${result.error?.message ?? result.stderr.trim()})` };
}
