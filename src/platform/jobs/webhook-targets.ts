import { ConfigError } from '../config/config-error';
import { maskUrl } from '../config/mask-url';
import type { WebhookSubscription } from './jobs-config';
import type { WebhookTarget } from './webhook-delivery';

/** A shorter HMAC key is guessable offline from one signed request. */
export const MIN_SECRET_BYTES = 32;

function urlProblem(value: string): string | undefined {
  try {
    const { protocol } = new URL(value);
    if (protocol === 'http:' || protocol === 'https:') return undefined;
  } catch {
    // reported below
  }
  return `must be an http:// or https:// URL (got ${maskUrl(value)})`;
}

/**
 * Each subscription's URL and secret, read from the variables it names. Every bad variable is named in
 * one ConfigError, so a deployment is fixed in one go; a secret's value never appears in it.
 */
export function webhookTargets(
  subscriptions: readonly WebhookSubscription[],
  env: NodeJS.ProcessEnv = process.env,
): Map<string, WebhookTarget> {
  const problems: string[] = [];
  const targets = new Map<string, WebhookTarget>();
  for (const { name, urlVariable, secretVariable } of subscriptions) {
    const url = env[urlVariable]?.trim() ?? '';
    const secret = env[secretVariable] ?? '';
    const badUrl = url === '' ? 'is required' : urlProblem(url);
    if (badUrl) problems.push(`${urlVariable} ${badUrl} (webhook subscription ${name})`);
    const secretBytes = Buffer.byteLength(secret);
    if (secretBytes < MIN_SECRET_BYTES)
      problems.push(
        secret === ''
          ? `${secretVariable} is required (webhook subscription ${name})`
          : `${secretVariable} must be at least ${MIN_SECRET_BYTES} bytes (has ${secretBytes}; webhook subscription ${name})`,
      );
    if (!badUrl && secretBytes >= MIN_SECRET_BYTES) targets.set(name, { url, secret });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return targets;
}
