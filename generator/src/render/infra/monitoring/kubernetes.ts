import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { Model } from '../../../model/types';
import { deploymentNames, HTTP_PORT_NAME, labels, METRICS_PATH, selectorLabels } from '../names';
import { WORKER_METRICS_PORT_NAME } from '../environment';
import type { RuleGroup } from './alert-rules';

/** The name of the API Service's port (the core manifests declare it; the ServiceMonitor scrapes it). */
/** The label kube-prometheus-stack's Grafana sidecar watches for dashboard ConfigMaps. */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

/**
 * Prometheus operator's scrape of every API pod behind the Service. The job label defaults to the
 * Service's name, which is the compose job's name too, so the same dashboards and rules fit both.
 */
export function serviceMonitor(model: Model): IServiceMonitor {
  const names = deploymentNames(model);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: names.api, labels: labels(model, 'api') },
    spec: {
      selector: { matchLabels: selectorLabels(model, 'api') },
      endpoints: [{ port: HTTP_PORT_NAME, path: METRICS_PATH, interval: '15s' }],
    },
  };
}

/** The webhook workers' scrape, through their headless Service; the job is its name, as in compose. */
export function workerServiceMonitor(model: Model): IServiceMonitor {
  const names = deploymentNames(model);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: names.worker, labels: labels(model, 'worker') },
    spec: {
      selector: { matchLabels: selectorLabels(model, 'worker') },
      endpoints: [{ port: WORKER_METRICS_PORT_NAME, path: METRICS_PATH, interval: '15s' }],
    },
  };
}

export function prometheusRule(model: Model, groups: readonly RuleGroup[]): IPrometheusRule {
  const names = deploymentNames(model);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: names.alerts, labels: labels(model, 'api') },
    spec: { groups: groups.map((group) => ({ name: group.name, rules: group.rules.map((rule) => ({ ...rule })) })) },
  };
}

/** The dashboards as JSON files of a ConfigMap, which Grafana's sidecar loads. */
export function dashboardsConfigMap(model: Model, dashboards: Readonly<Record<string, object>>): IConfigMap {
  const names = deploymentNames(model);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.dashboards, labels: { ...labels(model, 'api'), [GRAFANA_DASHBOARD_LABEL]: '1' } },
    data: Object.fromEntries(
      Object.entries(dashboards).map(([file, dashboard]) => [file, `${JSON.stringify(dashboard, null, 2)}\n`]),
    ),
  };
}

/** `kubectl apply -k k8s/monitoring`: the files of this folder, in apply order. */
export function kustomization(resources: readonly string[]): object {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] };
}
