import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { CACHE_CIRCUIT_OPEN, CACHE_CIRCUIT_OPENS } from '../metrics/metric-names';
import { CircuitBreaker, CircuitState } from '../resilience/circuit-breaker';

/** Why a cache call was not answered by Redis: it timed out, or the circuit skipped it. */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';
}

/**
 * The one circuit every cache call to Redis goes through (reads, stores, version moves), configured
 * by CACHE_TIMEOUT_MS and CACHE_BREAKER_*. Logs and counts its state changes, so callers that fall
 * back to the database on CacheUnavailableError need not log each skipped call.
 *
 * Every call has a timeout: node-redis's own command timeout only covers a command still waiting to
 * be written, and one written to a frozen server (the kernel accepts the bytes) waits for its reply forever.
 */
@Injectable()
export class CacheCircuit extends CircuitBreaker {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectMetric(CACHE_CIRCUIT_OPEN.name) open: Gauge,
    @InjectMetric(CACHE_CIRCUIT_OPENS.name) opens: Counter,
  ) {
    const logger = new Logger('CacheCircuit');
    open.set(0);
    super({
      timeoutMs: config.cacheTimeoutMs,
      unavailable: (message) => new CacheUnavailableError(`Redis: ${message}`),
      failureThreshold: config.cacheBreakerFailures,
      coolDownMs: config.cacheBreakerCooldownMs,
      onStateChange: (state: CircuitState) => {
        open.set(state === 'closed' ? 0 : 1);
        if (state === 'open') opens.inc();
        if (state === 'half-open') return;
        if (state === 'open')
          logger.warn(`Redis failing or too slow: serving without cache for ${config.cacheBreakerCooldownMs} ms`);
        else logger.log('Redis answers again: cache back in use');
      },
    });
  }
}
