import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Model } from '../../../model/types';
import { WORKER_METRICS_PORT_NAME, WORKER_PORT, workerTerminationGraceSeconds } from '../environment';
import { deploymentNames, labels, METRICS_PATH, selectorLabels } from '../names';
import { environmentFrom, migrationContainer, NODE_UID } from './migration';
import { CONTAINER_SECURITY, SURGE_ONLY, TMP_MOUNT, TMP_VOLUME, podSecurity } from './pod';

/** Two workers: deliveries go on while one is rescheduled; the relay's claim keeps them from sending an event twice. */
export const WORKER_REPLICAS = 2;

function workerContainer(model: Model): IContainer {
  const { deployment } = model;
  const probe = (path: string) => ({ httpGet: { path, port: WORKER_METRICS_PORT_NAME } });
  return {
    name: 'worker',
    image: deployment.image,
    command: ['node', 'dist/worker.js'],
    ports: [{ name: WORKER_METRICS_PORT_NAME, containerPort: WORKER_PORT, protocol: 'TCP' }],
    envFrom: environmentFrom(model),
    resources: { requests: { ...deployment.resources.requests }, limits: { ...deployment.resources.limits } },
    startupProbe: { ...probe('/health/live'), periodSeconds: 2, failureThreshold: 30 },
    livenessProbe: { ...probe('/health/live'), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    // Ready while the database and the queues' Redis answer: a worker that cannot reach them shows in the rollout.
    readinessProbe: { ...probe('/health/ready'), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
    securityContext: CONTAINER_SECURITY,
    volumeMounts: [TMP_MOUNT],
  };
}

/**
 * The webhook worker: the API's image running `node dist/worker.js` with the API's ConfigMap and
 * Secret. It receives no traffic, so no preStop pause: its grace period covers WORKER_SHUTDOWN_MS,
 * in which running deliveries finish.
 */
export function workerDeployment(model: Model): IDeployment {
  const names = deploymentNames(model);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.worker, labels: labels(model, 'worker') },
    spec: {
      replicas: WORKER_REPLICAS,
      selector: { matchLabels: selectorLabels(model, 'worker') },
      strategy: SURGE_ONLY,
      template: {
        metadata: {
          labels: labels(model, 'worker'),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(WORKER_PORT),
            'prometheus.io/path': METRICS_PATH,
          },
        },
        spec: {
          terminationGracePeriodSeconds: workerTerminationGraceSeconds(),
          securityContext: podSecurity(NODE_UID),
          // apso_events must exist before the relay reads it.
          initContainers: [migrationContainer(model, 'wait-for-migrations', ['--wait'])],
          containers: [workerContainer(model)],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

/**
 * A headless Service over the workers' metrics port: the ServiceMonitor (k8s/monitoring) finds the pods
 * through it, and the scrape job takes its name, as the compose Prometheus names its job.
 */
export function workerService(model: Model): IService {
  const names = deploymentNames(model);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.worker, labels: labels(model, 'worker') },
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(model, 'worker'),
      ports: [
        { name: WORKER_METRICS_PORT_NAME, port: WORKER_PORT, targetPort: WORKER_METRICS_PORT_NAME, protocol: 'TCP' },
      ],
    },
  };
}
