import { PROMETHEUS_URL } from './prometheus-config';

/** The provisioned data source's uid; kube-prometheus-stack gives its Prometheus the same one. */
export const DATASOURCE_UID = 'prometheus';
/** Where the compose stack mounts monitoring/grafana/dashboards in the Grafana container. */
export const DASHBOARDS_MOUNT = '/etc/grafana/dashboards';

/** Grafana's data source provisioning file: the compose stack's Prometheus, as the default. */
export function datasourceProvisioning(): object {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        url: PROMETHEUS_URL,
        isDefault: true,
        editable: false,
      },
    ],
  };
}

/** Grafana's dashboard provider: the generated dashboards, read-only (regeneration is their source). */
export function dashboardProvisioning(service: string): object {
  return {
    apiVersion: 1,
    providers: [
      {
        name: service,
        folder: service,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        options: { path: DASHBOARDS_MOUNT },
      },
    ],
  };
}
