/** Thrown when the environment cannot produce a valid AppConfig. Its message is one line, safe to print. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}
