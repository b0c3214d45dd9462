import type { Model } from '../../model/types';

/**
 * The names every deployment file gives the service's parts. Kubernetes objects, compose services,
 * Prometheus jobs and Grafana uids all derive from the schema's service name here, so they are stable
 * across regenerations and agree with each other (a ServiceMonitor selects the labels the Deployment sets).
 */
export interface DeploymentNames {
  readonly service: string;
  /** The API: Deployment, Service, HPA, PDB, ServiceMonitor. */
  readonly api: string;
  readonly pgbouncer: string;
  readonly migrate: string;
  /** The webhook worker (schema `webhooks`): Deployment, its metrics Service and ServiceMonitor, and the scrape job. */
  readonly worker: string;
  /** Non-secret settings of every pod. */
  readonly config: string;
  /** Connection URLs with credentials; never in the repository. */
  readonly secrets: string;
  /** The API key hashes (schema `auth.apiKey`), a file mounted into API pods. */
  readonly apiKeys: string;
  readonly alerts: string;
  readonly dashboards: string;
}

export function deploymentNames(model: Model): DeploymentNames {
  const service = model.name;
  return {
    service,
    api: service,
    pgbouncer: `${service}-pgbouncer`,
    migrate: `${service}-migrate`,
    worker: `${service}-worker`,
    config: `${service}-config`,
    secrets: `${service}-secrets`,
    apiKeys: `${service}-api-keys`,
    alerts: `${service}-alerts`,
    dashboards: `${service}-dashboards`,
  };
}

/** The API container's named port: probes, the Service and the ServiceMonitor refer to it by name. */
export const HTTP_PORT_NAME = 'http';
/** Where the platform serves its metrics: METRICS_PATH of its metric-names.ts (a spec holds them equal). */
export const METRICS_PATH = '/metrics';

export type Component = 'api' | 'pgbouncer' | 'migrate' | 'worker';

/** The recommended Kubernetes labels; `selectorLabels` are the subset a selector may use (never changes). */
export function selectorLabels(model: Model, component: Component): Record<string, string> {
  return { 'app.kubernetes.io/name': model.name, 'app.kubernetes.io/component': component };
}

export function labels(model: Model, component: Component): Record<string, string> {
  return {
    ...selectorLabels(model, component),
    'app.kubernetes.io/part-of': model.name,
    'app.kubernetes.io/managed-by': 'apso',
  };
}
