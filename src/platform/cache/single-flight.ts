/**
 * Concurrent callers asking for the same key share one run of the work: the first starts it, the
 * others await the same promise. A key is free again as soon as the work settles, so later callers
 * start a run of their own (the shared answer is never kept: that is the cache's job, with its versions).
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** The run in flight for the key, if any. */
  joined(key: string): Promise<T> | undefined {
    return this.inFlight.get(key);
  }

  /** Starts the work for the key; callers that look the key up with joined() meanwhile share it. */
  lead(key: string, work: () => Promise<T>): Promise<T> {
    const flight = work();
    this.inFlight.set(key, flight);
    const free = () => void this.inFlight.delete(key);
    // Both branches handled, so a rejection is reported to the callers only, never as unhandled.
    flight.then(free, free);
    return flight;
  }
}
