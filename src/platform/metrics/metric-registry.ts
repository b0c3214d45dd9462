import { Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, register } from 'prom-client';

/**
 * Returns the histogram registered under `config.name`, creating it on first use. Code outside Nest's
 * container (TypeORM subscribers) uses this; it shares prom-client's global registry with the Nest
 * providers, so both see the same instance and a second app in one process does not re-register it.
 */
export function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  const existing = register.getSingleMetric(config.name);
  return (existing as Histogram<T> | undefined) ?? new Histogram(config);
}

/** The gauge registered under `config.name`, creating it on first use; see `histogram`. */
export function gauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  const existing = register.getSingleMetric(config.name);
  return (existing as Gauge<T> | undefined) ?? new Gauge(config);
}

/** prom-client throws if the default metrics are collected twice in one process (two apps in a test). */
export function defaultMetricsRegistered(): boolean {
  return register.getSingleMetric('process_cpu_user_seconds_total') !== undefined;
}
