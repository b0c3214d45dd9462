import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { kubectlOnPath, run, tempDir } from '../../../../../test/support/prometheus-tools';
import { selectorLabels } from '../names';
import { MONITORING_PATHS } from './monitoring';
import { modelOf, monitoringFiles, SHOP, SHOP_WITH_WEBHOOKS, writeTree } from './spec-support';

const files = monitoringFiles();
/**
 * The models' `validate()` comes from @kubernetes-models/base, whose types this repository's `node`
 * module resolution cannot reach (they are published through package.json "exports" only).
 */
const validate = (model: object) => (model as { validate(): void }).validate();
const manifest = (file: string) => parse(files.get(`${MONITORING_PATHS.kubernetesDir}/${file}`)!);

describe('k8s/monitoring', () => {
  test('the ServiceMonitor and PrometheusRule satisfy the Prometheus operator CRD schemas, and a wrong field does not', async () => {
    const { ServiceMonitor, PrometheusRule } =
      await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1');
    validate(new ServiceMonitor(manifest('service-monitor.yaml')));
    validate(new PrometheusRule(manifest('prometheus-rule.yaml')));
    const wrong = manifest('service-monitor.yaml');
    wrong.spec.endpoints[0].interval = 15;
    assert.throws(() => validate(new ServiceMonitor(wrong)), /interval/);
  });

  test('the dashboards ConfigMap satisfies the Kubernetes schema and carries the Grafana sidecar label', async () => {
    const { ConfigMap } = await import('kubernetes-models/v1');
    const configMap = manifest('grafana-dashboards.yaml');
    validate(new ConfigMap(configMap));
    assert.equal(configMap.metadata.labels.grafana_dashboard, '1');
    assert.deepEqual(
      JSON.parse(configMap.data['shop.json']),
      JSON.parse(files.get(`${MONITORING_PATHS.dashboardsDir}/shop.json`)!),
    );
    assert.throws(() => validate(new ConfigMap({ ...configMap, data: { 'shop.json': { nested: true } } })));
  });

  test('the ServiceMonitor selects the API Service by its selector labels and scrapes its http port', () => {
    const { spec } = manifest('service-monitor.yaml');
    assert.deepEqual(spec.selector, { matchLabels: selectorLabels(modelOf(SHOP), 'api') });
    assert.deepEqual(spec.endpoints, [{ port: 'http', path: '/metrics', interval: '15s' }]);
  });

  test('with webhooks: a ServiceMonitor of the worker Service scrapes its metrics port, valid against the CRD', async () => {
    const { ServiceMonitor } = await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1');
    const withWebhooks = monitoringFiles(SHOP_WITH_WEBHOOKS);
    const monitor = parse(withWebhooks.get(`${MONITORING_PATHS.kubernetesDir}/worker-service-monitor.yaml`)!);
    validate(new ServiceMonitor(monitor));
    assert.equal(monitor.metadata.name, 'shop-worker');
    assert.deepEqual(monitor.spec.selector, { matchLabels: selectorLabels(modelOf(SHOP_WITH_WEBHOOKS), 'worker') });
    assert.deepEqual(monitor.spec.endpoints, [{ port: 'metrics', path: '/metrics', interval: '15s' }]);
    assert.equal(files.get(`${MONITORING_PATHS.kubernetesDir}/worker-service-monitor.yaml`), undefined);
  });

  test('the PrometheusRule holds the same groups as alerts.yml', () => {
    assert.deepEqual(manifest('prometheus-rule.yaml').spec.groups, parse(files.get(MONITORING_PATHS.alerts)!).groups);
  });

  describe('kubectl kustomize', kubectlOnPath(), () => {
    const dir = tempDir('apso-kustomize');
    before(() => writeTree(dir.path, files));
    after(() => dir.remove());

    test('renders the folder: every file the kustomization lists, nothing else', () => {
      const result = run('kubectl', ['kustomize', join(dir.path, MONITORING_PATHS.kubernetesDir)]);
      assert.equal(result.status, 0, result.output);
      const objects = parseAllDocuments(result.output).map((document) => document.toJS());
      assert.deepEqual(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort(), [
        'ConfigMap/shop-dashboards',
        'PrometheusRule/shop-alerts',
        'ServiceMonitor/shop',
      ]);
    });

    test('with webhooks, the worker ServiceMonitor too', () => {
      const root = join(dir.path, 'webhooks');
      writeTree(root, monitoringFiles(SHOP_WITH_WEBHOOKS));
      const result = run('kubectl', ['kustomize', join(root, MONITORING_PATHS.kubernetesDir)]);
      assert.equal(result.status, 0, result.output);
      const objects = parseAllDocuments(result.output).map((document) => document.toJS());
      assert.deepEqual(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort(), [
        'ConfigMap/shop-dashboards',
        'PrometheusRule/shop-alerts',
        'ServiceMonitor/shop',
        'ServiceMonitor/shop-worker',
      ]);
    });
  });
});
