import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Model } from '../../../model/types';
import {
  API_KEYS_FILE,
  API_KEYS_MOUNT_DIR,
  appEnvironment,
  authEnvironment,
  jobsEnvironment,
  terminationGraceSeconds,
} from '../environment';
import { deploymentNames, HTTP_PORT_NAME, labels, METRICS_PATH, selectorLabels } from '../names';
import { environmentFrom, migrationContainer, NODE_UID } from './migration';
import { CONTAINER_SECURITY, PRE_STOP, SURGE_ONLY, TMP_MOUNT, TMP_VOLUME, podSecurity } from './pod';

/** The Service's port name; the ServiceMonitor (k8s/monitoring) scrapes the port of this name. */

export function apiConfigMap(model: Model): IConfigMap {
  const names = deploymentNames(model);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.config, labels: labels(model, 'api') },
    data: { ...appEnvironment(model.deployment), ...authEnvironment(model.auth), ...jobsEnvironment(model.jobs) },
  };
}

function apiContainer(model: Model): IContainer {
  const { deployment } = model;
  const probe = (path: string) => ({ httpGet: { path, port: HTTP_PORT_NAME } });
  return {
    name: 'api',
    image: deployment.image,
    ports: [{ name: HTTP_PORT_NAME, containerPort: deployment.port, protocol: 'TCP' }],
    envFrom: environmentFrom(model),
    resources: { requests: { ...deployment.resources.requests }, limits: { ...deployment.resources.limits } },
    // Up to a minute to boot (connect, warm the pools) before liveness counts.
    startupProbe: { ...probe('/health/live'), periodSeconds: 2, failureThreshold: 30 },
    livenessProbe: { ...probe('/health/live'), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    // Ready only while the database and Redis answer; 503 during the shutdown drain.
    readinessProbe: { ...probe('/health/ready'), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
    lifecycle: PRE_STOP,
    securityContext: CONTAINER_SECURITY,
    volumeMounts: [TMP_MOUNT, ...(model.auth?.apiKey ? [API_KEYS_MOUNT] : [])],
  };
}

/** The keys file (schema `auth.apiKey`), read once at start; a changed Secret takes effect on the next rollout. */
const API_KEYS_VOLUME = 'api-keys';
const API_KEYS_MOUNT = { name: API_KEYS_VOLUME, mountPath: API_KEYS_MOUNT_DIR, readOnly: true };

function apiKeysVolume(model: Model) {
  const secretName = deploymentNames(model).apiKeys;
  return { name: API_KEYS_VOLUME, secret: { secretName, items: [{ key: API_KEYS_FILE, path: API_KEYS_FILE }] } };
}

export function apiDeployment(model: Model): IDeployment {
  const { deployment } = model;
  const names = deploymentNames(model);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.api, labels: labels(model, 'api') },
    spec: {
      replicas: deployment.replicas.min,
      selector: { matchLabels: selectorLabels(model, 'api') },
      strategy: SURGE_ONLY,
      template: {
        metadata: {
          labels: labels(model, 'api'),
          // For a Prometheus without the operator (kubernetes_sd pod discovery by annotation).
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(deployment.port),
            'prometheus.io/path': METRICS_PATH,
          },
        },
        spec: {
          terminationGracePeriodSeconds: terminationGraceSeconds(deployment),
          securityContext: podSecurity(NODE_UID),
          // A new version serves only once the migration job has brought the database up to date.
          initContainers: [migrationContainer(model, 'wait-for-migrations', ['--wait'])],
          containers: [apiContainer(model)],
          volumes: [TMP_VOLUME, ...(model.auth?.apiKey ? [apiKeysVolume(model)] : [])],
        },
      },
    },
  };
}

export function apiService(model: Model): IService {
  const names = deploymentNames(model);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.api, labels: labels(model, 'api') },
    spec: {
      selector: selectorLabels(model, 'api'),
      ports: [{ name: HTTP_PORT_NAME, port: 80, targetPort: HTTP_PORT_NAME, protocol: 'TCP' }],
    },
  };
}

export function apiAutoscaler(model: Model): IHorizontalPodAutoscaler {
  const { replicas, autoscaling } = model.deployment;
  const names = deploymentNames(model);
  const utilization = (name: 'cpu' | 'memory', averageUtilization: number) => ({
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization } },
  });
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: names.api, labels: labels(model, 'api') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.api },
      minReplicas: replicas.min,
      maxReplicas: replicas.max,
      metrics: [utilization('cpu', autoscaling.cpuUtilization), utilization('memory', autoscaling.memoryUtilization)],
      behavior: { scaleDown: { stabilizationWindowSeconds: autoscaling.scaleDownStabilizationSeconds } },
    },
  };
}

/**
 * One API pod at a time may be evicted (node drains, cluster upgrades): all but one keep serving,
 * whatever replica count the autoscaler chose. `minAvailable: 1` would let all but one go at once,
 * and with a single replica it would block every drain for good.
 */
export function apiDisruptionBudget(model: Model): IPodDisruptionBudget {
  const names = deploymentNames(model);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: names.api, labels: labels(model, 'api') },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(model, 'api') } },
  };
}
