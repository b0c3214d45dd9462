/** Why a cache call was not answered by Redis: it timed out, or the circuit skipped it. */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Longest wait for one call; a call still pending then counts as failed. */
  readonly timeoutMs: number;
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit rejects calls before letting one through as a probe. */
  readonly coolDownMs: number;
  readonly now?: () => number;
  readonly onStateChange?: (state: CircuitState) => void;
}

/**
 * Bounds what a slow or hung Redis costs. node-redis's own command timeout only covers a command
 * still waiting to be written: one written to a frozen server (the kernel accepts the bytes) waits
 * for its reply forever, so every call is raced against a timer here. After `failureThreshold`
 * consecutive failures the circuit opens and calls fail at once, without touching Redis, for
 * `coolDownMs`; then one call probes, and its outcome closes or reopens the circuit.
 *
 * Written here rather than taken from a library (opossum, cockatiel): the rule is these few lines,
 * the platform is vendored into every generated backend together with its dependencies, and a
 * library's timeout could not cancel a written node-redis command either.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.probing ? 'half-open' : 'open';
  }

  /** Runs `operation` unless the circuit is open; rejects with CacheUnavailableError when skipped or too slow. */
  async call<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.admit()) throw new CacheUnavailableError('cache circuit open');
    try {
      const result = await withTimeout(operation(), this.options.timeoutMs);
      this.succeeded();
      return result;
    } catch (error) {
      this.failed();
      throw error;
    }
  }

  private admit(): boolean {
    if (this.openedAt === undefined) return true;
    if (this.probing || this.now() - this.openedAt < this.options.coolDownMs) return false;
    this.probing = true;
    this.options.onStateChange?.('half-open');
    return true;
  }

  private succeeded(): void {
    const wasClosed = this.openedAt === undefined;
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
    if (!wasClosed) this.options.onStateChange?.('closed');
  }

  private failed(): void {
    this.failures++;
    if (!this.probing && (this.openedAt !== undefined || this.failures < this.options.failureThreshold)) return;
    // The probe failed, or the threshold was just reached: (re)open for a whole cool-down.
    this.probing = false;
    this.openedAt = this.now();
    this.options.onStateChange?.('open');
  }
}

async function withTimeout<T>(pending: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CacheUnavailableError(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
