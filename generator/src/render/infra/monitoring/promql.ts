import { type MetricCatalogue, metricOf } from '../../../runtime/metric-catalogue';

/*
 * PromQL for the service's dashboards and alerts, built from the platform's metric catalogue so that a
 * metric renamed in metric-names.ts renames every query, and a constant that names no metric stops
 * generation. Every series is selected by the scrape job (the service's name, in Prometheus' compose
 * configuration and as the ServiceMonitor's Service alike), so one Prometheus can watch many services.
 */

/** A label matcher: `=` unless the value is a regular expression. */
export type Matchers = Readonly<Record<string, string | { readonly regex: string }>>;

/** `name{job="…",…}`; values are written as PromQL strings (JSON's escapes are PromQL's). */
export function series(name: string, matchers: Matchers): string {
  const parts = Object.entries(matchers).map(([label, value]) =>
    typeof value === 'string' ? `${label}=${JSON.stringify(value)}` : `${label}=~${JSON.stringify(value.regex)}`,
  );
  return `${name}{${parts.join(',')}}`;
}

/** `sum by (labels) (inner)`, or `sum(inner)` over everything. */
const sum = (labels: readonly string[], inner: string) =>
  labels.length === 0 ? `sum(${inner})` : `sum by (${labels.join(', ')}) (${inner})`;

/** The platform's DEAD_LETTER_QUEUE (src/platform/jobs/jobs-config.ts; a spec holds them equal). */
export const DEAD_LETTER_QUEUE = 'webhooks-dead';

/** The HTTP status classes the error panels and alert count. */
export const SERVER_ERRORS = '5..';
export const CLIENT_ERRORS = '4..';

/**
 * The service's queries over a rate window: Grafana's `$__rate_interval` in dashboards, a fixed
 * window in alerts (rule evaluation has no Grafana to fill it in).
 */
export class ServiceQueries {
  constructor(
    private readonly metrics: MetricCatalogue,
    readonly job: string,
  ) {}

  private name(constant: string): string {
    return metricOf(this.metrics, constant).name;
  }

  private select(constant: string, suffix = '', matchers: Matchers = {}): string {
    return series(`${this.name(constant)}${suffix}`, { job: this.job, ...matchers });
  }

  private sumRate(constant: string, suffix: string, labels: readonly string[], window: string, matchers?: Matchers) {
    return sum(labels, `rate(${this.select(constant, suffix, matchers)}[${window}])`);
  }

  /** Requests per second. */
  requestRate(labels: readonly string[], window: string): string {
    return this.sumRate('HTTP_REQUEST_DURATION', '_count', labels, window);
  }

  /**
   * The share of requests answered with a status of `statusClass`. Groups without such an answer
   * read 0 rather than nothing (`or … * 0`), so a healthy route shows a flat line, not a gap.
   */
  statusRatio(statusClass: string, labels: readonly string[], window: string): string {
    const matching = this.sumRate('HTTP_REQUEST_DURATION', '_count', labels, window, {
      status_code: { regex: statusClass },
    });
    const all = this.requestRate(labels, window);
    return `(${matching} or ${all} * 0) / ${all}`;
  }

  /** A latency quantile from the request histogram, per group. */
  requestLatency(quantile: number, labels: readonly string[], window: string): string {
    return this.quantile('HTTP_REQUEST_DURATION', quantile, labels, window);
  }

  /** Requests per second in each latency bucket, for a heatmap. */
  latencyBuckets(window: string): string {
    return this.sumRate('HTTP_REQUEST_DURATION', '_bucket', ['le'], window);
  }

  queryLatency(quantile: number, window: string): string {
    return this.quantile('DB_QUERY_DURATION', quantile, ['connection'], window);
  }

  queryRate(window: string): string {
    return this.sumRate('DB_QUERY_DURATION', '_count', ['connection'], window);
  }

  poolConnections(state: 'in_use' | 'idle'): string {
    return sum(['connection'], this.select('DB_POOL_CONNECTIONS', '', { state }));
  }

  poolWaiting(): string {
    return sum(['connection'], this.select('DB_POOL_WAITING'));
  }

  poolMax(): string {
    return sum(['connection'], this.select('DB_POOL_MAX'));
  }

  cacheHitRate(window: string): string {
    return this.sumRate('CACHE_HITS', '', ['resource'], window);
  }

  cacheMissRate(window: string): string {
    return this.sumRate('CACHE_MISSES', '', ['resource'], window);
  }

  /** Cacheable reads per second, by resource. */
  cacheReadRate(window: string): string {
    return `(${this.hitsOrZero(window)} + ${this.cacheMissRate(window)})`;
  }

  /** The share of cacheable reads answered from the cache, by resource; 0 for a resource never hit. */
  cacheHitRatio(window: string): string {
    return `${this.hitsOrZero(window)} / ${this.cacheReadRate(window)}`;
  }

  private hitsOrZero(window: string): string {
    return `(${this.cacheHitRate(window)} or ${this.cacheMissRate(window)} * 0)`;
  }

  /** A gauge or counter of prom-client's defaults, per instance. */
  process(constant: string): string {
    return this.select(constant);
  }

  cpuCores(window: string): string {
    return `rate(${this.select('PROCESS_CPU_SECONDS')}[${window}])`;
  }

  /** How often each instance's process started again within the window. */
  restarts(window: string): string {
    return `changes(${this.select('PROCESS_START_TIME')}[${window}])`;
  }

  /** Instances scraped right now. */
  instances(): string {
    return `count(${this.select('PROCESS_START_TIME')})`;
  }

  /** Jobs in each queue by state (the worker reads them at scrape time; every worker reports the same counts). */
  queueJobs(): string {
    return `max by (queue, state) (${this.select('QUEUE_JOBS')})`;
  }

  /** Dead letters waiting for an operator to replay them. */
  deadLetters(): string {
    return `max(${this.select('QUEUE_JOBS', '', { queue: DEAD_LETTER_QUEUE, state: 'waiting' })})`;
  }

  /** Delivery attempts per second by outcome (delivered, retried, rejected, dead). */
  deliveryAttemptRate(window: string): string {
    return this.sumRate('WEBHOOK_DELIVERY_ATTEMPTS', '', ['outcome'], window);
  }

  /** A quantile of the time from the write to the acknowledged delivery, by subscription. */
  deliveryLatency(quantile: number, window: string): string {
    return this.quantile('WEBHOOK_DELIVERY_DURATION', quantile, ['subscription'], window);
  }

  /** Events moved from apso_events to the webhook queue per second. */
  eventsRelayedRate(window: string): string {
    return this.sumRate('EVENTS_RELAYED', '', [], window);
  }

  private quantile(constant: string, quantile: number, labels: readonly string[], window: string): string {
    return `histogram_quantile(${quantile}, ${this.sumRate(constant, '_bucket', ['le', ...labels], window)})`;
  }
}
