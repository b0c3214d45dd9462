import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { panelQueries, ruleQueries } from '../../../../../test/support/monitoring-queries';
import { REPO_ROOT } from '../../../../../test/support/repository';
import { dashboardUid } from './dashboard';
import { DASHBOARDS_MOUNT } from './grafana-provisioning';
import { HPA_METRICS } from './kube-state-metrics';
import { DEAD_LETTER_QUEUE as PLATFORM_DEAD_LETTER_QUEUE } from '../../../../../src/platform/jobs/jobs-config';
import { MONITORING_PATHS } from './monitoring';
import { DEAD_LETTER_QUEUE } from './promql';
import { CATALOGUE, monitoringFiles, SHOP, SHOP_WITH_WEBHOOKS } from './spec-support';

const files = monitoringFiles();
const dashboard = JSON.parse(files.get(`${MONITORING_PATHS.dashboardsDir}/shop.json`)!);
const webhookFiles = monitoringFiles(SHOP_WITH_WEBHOOKS);
const webhookDashboard = JSON.parse(webhookFiles.get(`${MONITORING_PATHS.dashboardsDir}/shop.json`)!);

/** Every metric an expression selects: a name right before a `{` matcher. */
const selectedMetrics = (expr: string) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1]);

/** What may be selected: the catalogue's metrics (histograms by their series) and kube-state-metrics' HPA series. */
const known = new Set([
  ...Object.values(CATALOGUE).flatMap((metric) =>
    metric.buckets ? ['_bucket', '_count', '_sum'].map((suffix) => `${metric.name}${suffix}`) : [metric.name],
  ),
  ...Object.values(HPA_METRICS),
]);

describe('the Grafana dashboard', () => {
  test('has a uid derived from the service name alone, within Grafana’s 40 characters', () => {
    assert.equal(dashboard.uid, 'shop');
    assert.equal(JSON.parse(monitoringFiles().get(`${MONITORING_PATHS.dashboardsDir}/shop.json`)!).uid, 'shop');
    const long = `${'a'.repeat(45)}-api`;
    assert.equal(dashboardUid(long), dashboardUid(long));
    assert.ok(dashboardUid(long).length <= 40);
    assert.notEqual(dashboardUid(long), dashboardUid(`${'a'.repeat(45)}-web`));
  });

  test('has the rows the issue names, each panel with queries on the dashboard’s Prometheus data source', () => {
    const rows = dashboard.panels
      .filter((panel: { type: string }) => panel.type === 'row')
      .map((row: { title: string }) => row.title);
    assert.deepEqual(rows, ['Requests (RED)', 'Database', 'Cache', 'Process', 'Kubernetes']);
    const panels = dashboard.panels.filter((panel: { type: string }) => panel.type !== 'row');
    assert.ok(panels.some((panel: { type: string }) => panel.type === 'heatmap'));
    for (const panel of panels) {
      assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, panel.title);
      assert.deepEqual(
        panel.targets.map((target: { refId: string }) => target.refId),
        panel.targets.map((_: unknown, index: number) => String.fromCharCode(65 + index)),
      );
    }
    const ids = dashboard.panels.map((panel: { id: number }) => panel.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    assert.equal(dashboard.templating.list[0].type, 'datasource');
  });

  test('with webhooks: a Background work row over the worker job, from the metric catalogue', () => {
    const rows = webhookDashboard.panels
      .filter((panel: { type: string }) => panel.type === 'row')
      .map((row: { title: string }) => row.title);
    assert.deepEqual(rows, ['Requests (RED)', 'Database', 'Cache', 'Background work', 'Process', 'Kubernetes']);
    const background = panelQueries(webhookDashboard).filter((query) => query.expr.includes('job="shop-worker"'));
    assert.deepEqual(
      background.map((query) => query.expr),
      [
        'max by (queue, state) (queue_jobs{job="shop-worker"})',
        'sum by (outcome) (rate(webhook_delivery_attempts_total{job="shop-worker"}[$__rate_interval]))',
        'histogram_quantile(0.5, sum by (le, subscription) (rate(webhook_delivery_seconds_bucket{job="shop-worker"}[$__rate_interval])))',
        'histogram_quantile(0.99, sum by (le, subscription) (rate(webhook_delivery_seconds_bucket{job="shop-worker"}[$__rate_interval])))',
        'sum(rate(events_relayed_total{job="shop-worker"}[$__rate_interval]))',
      ],
    );
    // Without webhooks the dashboard is the one it always was.
    assert.ok(!panelQueries(dashboard).some((query) => query.expr.includes('shop-worker')));
  });

  test('the dead-letter queue name is the platform’s', () => {
    assert.equal(DEAD_LETTER_QUEUE, PLATFORM_DEAD_LETTER_QUEUE);
  });

  test('every metric a panel or an alert selects is one the platform declares (or kube-state-metrics’ HPA series)', () => {
    const exprs = [
      ...panelQueries(dashboard).map((query) => query.expr),
      ...ruleQueries(files.get(MONITORING_PATHS.alerts)!).map((rule) => rule.expr),
      ...panelQueries(webhookDashboard).map((query) => query.expr),
      ...ruleQueries(webhookFiles.get(MONITORING_PATHS.alerts)!).map((rule) => rule.expr),
    ];
    const selected = exprs.flatMap(selectedMetrics);
    assert.ok(selected.length > 30);
    assert.deepEqual(
      selected.filter((name) => !known.has(name)),
      [],
    );
    assert.deepEqual(
      selectedMetrics('rate(http_request_duration_seconds_cuont{job="shop"}[5m])').filter((name) => !known.has(name)),
      ['http_request_duration_seconds_cuont'],
    );
  });

  test('Grafana provisioning: the compose Prometheus as the default data source, the dashboards folder read-only', () => {
    const datasources = parse(files.get(MONITORING_PATHS.datasources)!);
    assert.deepEqual(datasources.datasources[0], {
      name: 'Prometheus',
      uid: 'prometheus',
      type: 'prometheus',
      access: 'proxy',
      url: 'http://prometheus:9090',
      isDefault: true,
      editable: false,
    });
    const providers = parse(files.get(MONITORING_PATHS.dashboardProviders)!).providers;
    assert.deepEqual(providers[0].options, { path: DASHBOARDS_MOUNT });
    assert.equal(SHOP.name, providers[0].folder);
  });

  test('docs/observe.md describes every row, panel and alert', () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'observe.md'), 'utf8');
    const titles = webhookDashboard.panels.map((panel: { type: string; title: string }) =>
      panel.type === 'row' ? `### ${panel.title}` : `| ${panel.title} |`,
    );
    const alerts = ruleQueries(webhookFiles.get(MONITORING_PATHS.alerts)!).map((rule) => `| \`${rule.alert}\``);
    assert.deepEqual(
      [...titles, ...alerts].filter((title) => !docs.includes(title)),
      [],
    );
  });
});
