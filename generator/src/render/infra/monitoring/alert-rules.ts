import type { MetricCatalogue } from '../../../runtime/metric-catalogue';
import type { Model } from '../../../model/types';
import { deploymentNames } from '../names';
import { HPA_IDENTITY, hpaSeries } from './kube-state-metrics';
import { DEAD_LETTER_QUEUE, SERVER_ERRORS, ServiceQueries } from './promql';

/** One alerting rule, in the shape Prometheus' rule files and the PrometheusRule CRD share. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'warning' | 'critical' };
  /** Templates may name `{{ $labels.<label> }}` only, so a rule test can spell out what it expects. */
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/**
 * The alert thresholds. The seed names what to alert on but no numbers, so these are apso's choice,
 * documented in docs/observe.md: each is a level where users notice, held long enough that a single
 * slow deploy or a burst does not page anyone.
 */
export const ALERT_THRESHOLDS = {
  /** Seconds; a cached read takes ~1 ms and an uncached one tens, so 500 ms at p99 is queuing or a slow plan. */
  latencyP99Seconds: 0.5,
  /** 1% of requests answered 5xx (the figure). */
  errorRatio: 0.01,
  /** 80% of cacheable reads served from the cache (the figure)... */
  cacheHitRatio: 0.8,
  /** ...judged only once a resource sees this many cacheable reads per second (a warm, busy cache). */
  cacheMinReadsPerSecond: 1,
  /** Process starts of one instance within `restartWindow`: a crash loop, not a deploy. */
  restarts: 3,
  restartWindow: '30m',
} as const;

/** The window rates are taken over; long enough for a few scrapes at any usual interval. */
const WINDOW = '5m';
const CACHE_WINDOW = '10m';

export function alertRuleGroups(model: Model, metrics: MetricCatalogue): RuleGroup[] {
  const names = deploymentNames(model);
  const queries = new ServiceQueries(metrics, names.api);
  return [
    { name: `${names.service}-api`, rules: serviceRules(queries) },
    { name: `${names.service}-kubernetes`, rules: [replicasAtMaximum(names.api)] },
    ...(model.jobs
      ? [{ name: `${names.service}-worker`, rules: [deadLettersWaiting(new ServiceQueries(metrics, names.worker))] }]
      : []),
  ];
}

/** A delivery that failed every attempt waits in the dead-letter queue until an operator replays it. */
function deadLettersWaiting(queries: ServiceQueries): AlertRule {
  const job = queries.job;
  return {
    alert: 'WebhookDeadLetters',
    expr: `${queries.deadLetters()} > 0`,
    for: '10m',
    labels: { severity: 'warning' },
    annotations: {
      summary: `${job}: webhook deliveries wait in the dead-letter queue`,
      description: `For 10 minutes, deliveries of ${job} have been in the dead-letter queue (${DEAD_LETTER_QUEUE}) after failing every attempt: a subscriber was down or refused them. Fix the subscriber, then replay them through the API's dead-letter endpoints (JOBS_ADMIN_TOKEN); the Background work panels show which subscription fails.`,
    },
  };
}

function serviceRules(queries: ServiceQueries): AlertRule[] {
  const t = ALERT_THRESHOLDS;
  const job = queries.job;
  return [
    {
      alert: 'ApiLatencyP99High',
      expr: `${queries.requestLatency(0.99, [], WINDOW)} > ${t.latencyP99Seconds}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${job}: p99 request latency above ${t.latencyP99Seconds * 1000} ms`,
        description: `The slowest 1% of ${job}'s requests took longer than ${t.latencyP99Seconds} s over ${WINDOW}, for 10 minutes. See the Latency panels of its dashboard for the route, and Database for the queries.`,
      },
    },
    {
      alert: 'ApiErrorRateHigh',
      expr: `${queries.statusRatio(SERVER_ERRORS, [], WINDOW)} > ${t.errorRatio}`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `${job}: more than ${t.errorRatio * 100}% of requests fail with 5xx`,
        description: `Over ${WINDOW}, more than ${t.errorRatio * 100}% of ${job}'s requests were answered with a server error, for 5 minutes. The error-ratio panel shows which route; the logs carry each error's request id.`,
      },
    },
    {
      alert: 'CacheHitRateLow',
      expr: `${queries.cacheHitRatio(CACHE_WINDOW)} < ${t.cacheHitRatio} and ${queries.cacheReadRate(CACHE_WINDOW)} > ${t.cacheMinReadsPerSecond}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${job}: cache hit rate of {{ $labels.resource }} below ${t.cacheHitRatio * 100}%`,
        description: `Fewer than ${t.cacheHitRatio * 100}% of the cacheable reads of {{ $labels.resource }} were served from Redis over ${CACHE_WINDOW}, at more than ${t.cacheMinReadsPerSecond} read/s, for 15 minutes: writes invalidating too often, a TTL too short for the traffic, or Redis skipped (cache_circuit_open).`,
      },
    },
    {
      alert: 'DatabasePoolWaiting',
      expr: `${queries.poolWaiting()} > 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${job}: queries wait for a {{ $labels.connection }} pool connection`,
        description: `At every scrape for 5 minutes, queries of ${job} were queued for a connection of the {{ $labels.connection }} pool: every connection was in use. Slow queries hold them (Database panels), or the pool (DB_POOL_MAX / DB_REPLICA_POOL_MAX) is too small for the load.`,
      },
    },
    {
      alert: 'ApiRestarting',
      expr: `${queries.restarts(t.restartWindow)} >= ${t.restarts}`,
      for: '1m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `${job}: instance {{ $labels.instance }} restarted ${t.restarts} times or more in ${t.restartWindow}`,
        description: `The process behind {{ $labels.instance }} started again at least ${t.restarts} times in ${t.restartWindow}: it crashes or is killed (out of memory, failed liveness probe). A rolling deploy starts new instances instead, so it does not count.`,
      },
    },
  ];
}

function replicasAtMaximum(hpa: string): AlertRule {
  return {
    alert: 'ApiReplicasAtMaximum',
    expr: `${hpaSeries('currentReplicas', hpa)} >= on (${HPA_IDENTITY.join(', ')}) ${hpaSeries('maxReplicas', hpa)}`,
    for: '15m',
    labels: { severity: 'warning' },
    annotations: {
      summary: `${hpa}: the autoscaler has run at its maximum for 15 minutes`,
      description: `The HorizontalPodAutoscaler ${hpa} in {{ $labels.namespace }} has kept the most replicas it may have for 15 minutes: load beyond that is not absorbed. Raise deployment.replicas.max (within the pool arithmetic) or find what got slower. Needs kube-state-metrics.`,
    },
  };
}
