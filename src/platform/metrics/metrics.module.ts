import { Module } from '@nestjs/common';
import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
  PrometheusModule,
} from '@willsoto/nestjs-prometheus';
import {
  AUTH_FAILURES,
  CACHE_CIRCUIT_OPEN,
  CACHE_CIRCUIT_OPENS,
  CACHE_COALESCED,
  CACHE_ENTRIES_TOO_LARGE,
  CACHE_FRESH,
  CACHE_HITS,
  CACHE_INVALIDATIONS_RELAYED,
  CACHE_MISSES,
  DB_QUERY_DURATION,
  DB_REPLICA_CIRCUIT_OPEN,
  DB_REPLICA_FALLBACKS,
  DEPENDENCY_UP,
  HTTP_REQUEST_DURATION,
  METRICS_PATH,
} from './metric-names';
import { defaultMetricsRegistered } from './metric-registry';
import { MetricsController } from './metrics.controller';

const METRIC_PROVIDERS = [
  makeHistogramProvider({ ...HTTP_REQUEST_DURATION, labelNames: [...HTTP_REQUEST_DURATION.labelNames] }),
  makeHistogramProvider({ ...DB_QUERY_DURATION, labelNames: [...DB_QUERY_DURATION.labelNames] }),
  makeCounterProvider({ ...CACHE_HITS, labelNames: [...CACHE_HITS.labelNames] }),
  makeCounterProvider({ ...CACHE_MISSES, labelNames: [...CACHE_MISSES.labelNames] }),
  makeCounterProvider({ ...CACHE_ENTRIES_TOO_LARGE, labelNames: [...CACHE_ENTRIES_TOO_LARGE.labelNames] }),
  makeCounterProvider({ ...CACHE_COALESCED, labelNames: [...CACHE_COALESCED.labelNames] }),
  makeGaugeProvider({ ...DEPENDENCY_UP, labelNames: [...DEPENDENCY_UP.labelNames] }),
  makeGaugeProvider({ ...CACHE_CIRCUIT_OPEN, labelNames: [...CACHE_CIRCUIT_OPEN.labelNames] }),
  makeCounterProvider({ ...CACHE_CIRCUIT_OPENS, labelNames: [...CACHE_CIRCUIT_OPENS.labelNames] }),
  makeGaugeProvider({ ...CACHE_FRESH, labelNames: [...CACHE_FRESH.labelNames] }),
  makeCounterProvider({ ...CACHE_INVALIDATIONS_RELAYED, labelNames: [...CACHE_INVALIDATIONS_RELAYED.labelNames] }),
  makeCounterProvider({ ...DB_REPLICA_FALLBACKS, labelNames: [...DB_REPLICA_FALLBACKS.labelNames] }),
  makeGaugeProvider({ ...DB_REPLICA_CIRCUIT_OPEN, labelNames: [...DB_REPLICA_CIRCUIT_OPEN.labelNames] }),
  makeCounterProvider({ ...AUTH_FAILURES, labelNames: [...AUTH_FAILURES.labelNames] }),
];

/** Serves /metrics and provides the platform's metrics, injectable with `@InjectMetric(NAME.name)`. */
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      path: METRICS_PATH,
      defaultMetrics: { enabled: !defaultMetricsRegistered() },
    }),
  ],
  providers: METRIC_PROVIDERS,
  exports: METRIC_PROVIDERS,
})
export class MetricsModule {}
