import { type Artifact, type ArtifactContext, type ArtifactFile, apsoFile, json, yaml } from '../../artifact';
import { KUSTOMIZATION_FILE } from '../k8s/k8s';
import { deploymentNames } from '../names';
import { alertRuleGroups } from './alert-rules';
import { serviceDashboard } from './dashboard';
import { dashboardProvisioning, datasourceProvisioning } from './grafana-provisioning';
import { dashboardsConfigMap, kustomization, prometheusRule, serviceMonitor, workerServiceMonitor } from './kubernetes';
import { ALERTS_FILE, prometheusConfig } from './prometheus-config';

/** Where each monitoring file goes; tests and the compose stack read the same paths. */
export const MONITORING_PATHS = {
  prometheusConfig: 'monitoring/prometheus/prometheus.yml',
  alerts: `monitoring/prometheus/${ALERTS_FILE}`,
  dashboardsDir: 'monitoring/grafana/dashboards',
  datasources: 'monitoring/grafana/provisioning/datasources/prometheus.yml',
  dashboardProviders: 'monitoring/grafana/provisioning/dashboards/dashboards.yml',
  /** Kept out of k8s/'s own kustomization: clusters without the Prometheus operator's CRDs would refuse it. */
  kubernetesDir: 'k8s/monitoring',
} as const;

/** The Kubernetes files of k8s/monitoring, in the order the kustomization lists them. */
const KUBERNETES_FILES = {
  serviceMonitor: 'service-monitor.yaml',
  prometheusRule: 'prometheus-rule.yaml',
  dashboards: 'grafana-dashboards.yaml',
} as const;
/** With webhooks: the workers' scrape, listed after the others. */
const WORKER_SERVICE_MONITOR_FILE = 'worker-service-monitor.yaml';

function monitoringFiles({ model, metrics }: ArtifactContext): ArtifactFile[] {
  const names = deploymentNames(model);
  // One builder for both: alerts.yml (compose) and the PrometheusRule hold the same groups.
  const groups = alertRuleGroups(model, metrics);
  const dashboards = { [`${names.service}.json`]: serviceDashboard(model, metrics) };
  const k8s = (file: string) => `${MONITORING_PATHS.kubernetesDir}/${file}`;
  return [
    apsoFile(MONITORING_PATHS.prometheusConfig, yaml(prometheusConfig(model))),
    apsoFile(MONITORING_PATHS.alerts, yaml({ groups })),
    ...Object.entries(dashboards).map(([file, dashboard]) =>
      apsoFile(`${MONITORING_PATHS.dashboardsDir}/${file}`, json(dashboard)),
    ),
    apsoFile(MONITORING_PATHS.datasources, yaml(datasourceProvisioning())),
    apsoFile(MONITORING_PATHS.dashboardProviders, yaml(dashboardProvisioning(names.service))),
    apsoFile(k8s(KUBERNETES_FILES.serviceMonitor), yaml(serviceMonitor(model))),
    apsoFile(k8s(KUBERNETES_FILES.prometheusRule), yaml(prometheusRule(model, groups))),
    apsoFile(k8s(KUBERNETES_FILES.dashboards), yaml(dashboardsConfigMap(model, dashboards))),
    ...(model.jobs ? [apsoFile(k8s(WORKER_SERVICE_MONITOR_FILE), yaml(workerServiceMonitor(model)))] : []),
    apsoFile(
      k8s(KUSTOMIZATION_FILE),
      yaml(kustomization([...Object.values(KUBERNETES_FILES), ...(model.jobs ? [WORKER_SERVICE_MONITOR_FILE] : [])])),
    ),
  ];
}

/** Prometheus configuration and alerts, Grafana dashboards and provisioning, and their Kubernetes objects. */
export const MONITORING_ARTIFACT: Artifact = { name: 'monitoring', files: monitoringFiles };
