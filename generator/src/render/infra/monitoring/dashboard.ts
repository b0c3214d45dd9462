import { createHash } from 'node:crypto';
import type { MetricCatalogue } from '../../../runtime/metric-catalogue';
import type { Model } from '../../../model/types';
import { deploymentNames } from '../names';
import {
  commonSdk,
  type Dashboard,
  dashboardSdk,
  heatmapSdk,
  prometheusSdk,
  statSdk,
  timeseriesSdk,
} from './grafana-sdk';
import { hpaSeries } from './kube-state-metrics';
import { CLIENT_ERRORS, SERVER_ERRORS, ServiceQueries } from './promql';

/** Grafana fills this in from the panel's width and the scrape interval; never shorter than four scrapes. */
export const RATE_INTERVAL = '$__rate_interval';
/** The dashboard's data source variable: any Prometheus data source, the default one first. */
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Grafana's limit on a dashboard uid. */
const UID_MAX_LENGTH = 40;

export interface PanelTarget {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly kind: 'timeseries' | 'heatmap' | 'stat';
  /** A Grafana unit id: `reqps`, `s`, `percentunit`, `bytes`, `short`. */
  readonly unit: string;
  readonly targets: readonly PanelTarget[];
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** The dashboard's uid: the service name, which Grafana keeps across re-imports (links stay valid). */
export function dashboardUid(service: string): string {
  if (service.length <= UID_MAX_LENGTH) return service;
  const hash = createHash('sha256').update(service).digest('hex').slice(0, 8);
  return `${service.slice(0, UID_MAX_LENGTH - hash.length - 1)}-${hash}`;
}

/** The dashboard's rows and panels, as data: the builder below and docs/observe.md follow it. */
export function dashboardRows(model: Model, metrics: MetricCatalogue): RowSpec[] {
  const names = deploymentNames(model);
  const q = new ServiceQueries(metrics, names.api);
  const w = RATE_INTERVAL;
  const route = ['method', 'route'];
  const perRoute = '{{method}} {{route}}';
  const perConnection = '{{connection}}';
  return [
    {
      title: 'Requests (RED)',
      panels: [
        panel('Request rate by route', 'Requests per second, by method and route template.', 'reqps', [
          { expr: q.requestRate(route, w), legend: perRoute },
        ]),
        panel(
          'Error ratio by route',
          'Share of requests answered 5xx (server errors: alerting above 1%) and 4xx (rejected requests), by route.',
          'percentunit',
          [
            { expr: q.statusRatio(SERVER_ERRORS, route, w), legend: `5xx ${perRoute}` },
            { expr: q.statusRatio(CLIENT_ERRORS, route, w), legend: `4xx ${perRoute}` },
          ],
        ),
        panel(
          'Latency by route (p50, p95, p99)',
          'Request duration quantiles from the http_request_duration_seconds histogram.',
          's',
          [0.5, 0.95, 0.99].map((quantile) => ({
            expr: q.requestLatency(quantile, route, w),
            legend: `p${quantile * 100} ${perRoute}`,
          })),
        ),
        {
          ...panel('Latency heatmap', 'Requests per second in each duration bucket, all routes.', 's', [
            { expr: q.latencyBuckets(w), legend: '{{le}}' },
          ]),
          kind: 'heatmap',
        },
      ],
    },
    {
      title: 'Database',
      panels: [
        panel(
          'Query time by connection (p50, p99)',
          'Database query duration quantiles, primary (writes, and reads that fell back) and replica (reads).',
          's',
          [0.5, 0.99].map((quantile) => ({
            expr: q.queryLatency(quantile, w),
            legend: `p${quantile * 100} ${perConnection}`,
          })),
        ),
        panel('Queries by connection', 'Queries per second on each pool.', 'ops', [
          { expr: q.queryRate(w), legend: perConnection },
        ]),
        panel(
          'Pool connections in use and waiting',
          'Connections checked out of each pool, its size, and the queries queued for a connection (above 0 for long: alerting).',
          'short',
          [
            { expr: q.poolConnections('in_use'), legend: `in use ${perConnection}` },
            { expr: q.poolMax(), legend: `max ${perConnection}` },
            { expr: q.poolWaiting(), legend: `waiting ${perConnection}` },
          ],
        ),
      ],
    },
    {
      title: 'Cache',
      panels: [
        panel(
          'Cache hit ratio by resource',
          'Share of cacheable reads served from Redis (alerting below 80% on a busy resource).',
          'percentunit',
          [{ expr: q.cacheHitRatio(w), legend: '{{resource}}' }],
        ),
        panel('Cache reads by resource', 'Cacheable reads per second: hits and misses.', 'ops', [
          { expr: q.cacheHitRate(w), legend: 'hits {{resource}}' },
          { expr: q.cacheMissRate(w), legend: 'misses {{resource}}' },
        ]),
      ],
    },
    ...(model.jobs ? [backgroundWorkRow(new ServiceQueries(metrics, names.worker), w)] : []),
    {
      title: 'Process',
      panels: [
        panel('Memory', 'Resident memory and V8 heap in use, per instance.', 'bytes', [
          { expr: q.process('PROCESS_RESIDENT_MEMORY'), legend: 'resident {{instance}}' },
          { expr: q.process('NODEJS_HEAP_USED'), legend: 'heap used {{instance}}' },
        ]),
        panel('CPU', 'CPU time per second (1 = one core), per instance.', 'short', [
          { expr: q.cpuCores(w), legend: '{{instance}}' },
        ]),
        panel('Event-loop lag (p99)', 'How late timers fire: CPU-bound work or a blocking call.', 's', [
          { expr: q.process('NODEJS_EVENT_LOOP_LAG_P99'), legend: '{{instance}}' },
        ]),
        {
          ...panel('Instances', 'Instances Prometheus scrapes now.', 'short', [
            { expr: q.instances(), legend: 'instances' },
          ]),
          kind: 'stat',
        },
      ],
    },
    {
      title: 'Kubernetes',
      panels: [
        panel(
          'Replicas and autoscaler bounds',
          "The HorizontalPodAutoscaler's current and desired replicas against its min and max (kube-state-metrics; empty outside Kubernetes).",
          'short',
          [
            { expr: hpaSeries('currentReplicas', names.api), legend: 'current {{namespace}}' },
            { expr: hpaSeries('desiredReplicas', names.api), legend: 'desired {{namespace}}' },
            { expr: hpaSeries('minReplicas', names.api), legend: 'min {{namespace}}' },
            { expr: hpaSeries('maxReplicas', names.api), legend: 'max {{namespace}}' },
          ],
        ),
      ],
    },
  ];
}

/** With webhooks: the worker's queues, deliveries and relay (the scrape job of the worker pods). */
function backgroundWorkRow(q: ServiceQueries, w: string): RowSpec {
  return {
    title: 'Background work',
    panels: [
      panel(
        'Queue jobs by state',
        'Jobs in the webhook queue and the dead-letter queue (webhooks-dead, waiting: deliveries that failed for good, alerting when any stay).',
        'short',
        [{ expr: q.queueJobs(), legend: '{{queue}} {{state}}' }],
      ),
      panel(
        'Delivery attempts by outcome',
        'Webhook delivery attempts per second: delivered, retried (network error, timeout, 429, 5xx), rejected (another 4xx), dead.',
        'ops',
        [{ expr: q.deliveryAttemptRate(w), legend: '{{outcome}}' }],
      ),
      panel(
        'Delivery time by subscription (p50, p99)',
        'From the write that recorded the event to its acknowledged delivery, retries included.',
        's',
        [0.5, 0.99].map((quantile) => ({
          expr: q.deliveryLatency(quantile, w),
          legend: `p${quantile * 100} {{subscription}}`,
        })),
      ),
      panel('Events relayed', 'Entity events moved from apso_events to the webhook queue per second.', 'ops', [
        { expr: q.eventsRelayedRate(w), legend: 'relayed' },
      ]),
    ],
  };
}

function panel(title: string, description: string, unit: string, targets: PanelTarget[]): PanelSpec {
  return { title, description, kind: 'timeseries', unit, targets };
}

/** The service's Grafana dashboard, built with the Grafana Foundation SDK. */
export function serviceDashboard(model: Model, metrics: MetricCatalogue): Dashboard {
  const names = deploymentNames(model);
  const builder = new dashboardSdk.DashboardBuilder(`${names.service} API`)
    .uid(dashboardUid(names.service))
    .tags(['apso', names.service])
    .description(`RED, database, cache and process metrics of ${names.service}, generated by apso.`)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboardSdk.DashboardCursorSync.Crosshair)
    .withVariable(new dashboardSdk.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'));
  let id = 0;
  for (const row of dashboardRows(model, metrics)) {
    builder.withRow(new dashboardSdk.RowBuilder(row.title).id(++id));
    for (const spec of row.panels) builder.withPanel(panelBuilder(spec).id(++id));
  }
  return builder.build();
}

function panelBuilder(spec: PanelSpec) {
  const queries = spec.targets.map((target, index) =>
    new prometheusSdk.DataqueryBuilder()
      .refId(String.fromCharCode(65 + index))
      .expr(target.expr)
      .legendFormat(target.legend)
      .format(
        spec.kind === 'heatmap' ? prometheusSdk.PromQueryFormat.Heatmap : prometheusSdk.PromQueryFormat.TimeSeries,
      ),
  );
  const common = <
    T extends {
      title(t: string): T;
      description(d: string): T;
      datasource(d: object): T;
      targets(t: typeof queries): T;
    },
  >(
    panel: T,
  ) => panel.title(spec.title).description(spec.description).datasource(DATASOURCE).targets(queries);
  switch (spec.kind) {
    case 'heatmap':
      return common(new heatmapSdk.PanelBuilder())
        .yAxis(new heatmapSdk.YAxisConfigBuilder().unit(spec.unit))
        .calculate(false)
        .height(9)
        .span(24);
    case 'stat':
      return common(new statSdk.PanelBuilder())
        .unit(spec.unit)
        .graphMode(commonSdk.BigValueGraphMode.Area)
        .height(8)
        .span(12);
    case 'timeseries':
      return common(new timeseriesSdk.PanelBuilder())
        .unit(spec.unit)
        .legend(
          new commonSdk.VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(commonSdk.LegendDisplayMode.List)
            .placement(commonSdk.LegendPlacement.Bottom),
        )
        .height(8)
        .span(12);
  }
}
