export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit rejects calls before letting one through as a probe. */
  readonly coolDownMs: number;
  /** Longest wait for one call; a call still pending then counts as failed. None: the call bounds itself. */
  readonly timeoutMs?: number;
  /**
   * Whether an error means the dependency is failing. Others (a query the database rejected) prove it
   * answers, so they count as a success for the circuit and are only passed on. Default: every error.
   */
  readonly isFailure?: (error: unknown) => boolean;
  /** The error a skipped or timed-out call rejects with, so each caller can tell its own circuit's apart. */
  readonly unavailable: (message: string) => Error;
  readonly now?: () => number;
  readonly onStateChange?: (state: CircuitState) => void;
}

/**
 * Bounds what a failing dependency (Redis, the read replica) costs. After `failureThreshold`
 * consecutive failures the circuit opens and calls fail at once, without touching the dependency,
 * for `coolDownMs`; then one call probes, and its outcome closes or reopens the circuit.
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

  /** Runs `operation` unless the circuit is open; rejects with `unavailable(...)` when skipped or too slow. */
  async call<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.admit()) throw this.options.unavailable('circuit open');
    try {
      const result = await this.withTimeout(operation());
      this.succeeded();
      return result;
    } catch (error) {
      if (this.options.isFailure?.(error) === false) this.succeeded();
      else this.failed();
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

  private async withTimeout<T>(pending: Promise<T>): Promise<T> {
    const { timeoutMs } = this.options;
    if (timeoutMs === undefined) return pending;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.options.unavailable(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
