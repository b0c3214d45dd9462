import type { DeploymentModel } from '../../../model/deployment';
import type { Model } from '../../../model/types';
import { WORKER_PORT } from '../environment';
import { deploymentNames, METRICS_PATH } from '../names';

/** The API's service in docker-compose.scale.yml; its replicas share this DNS name. */
export const COMPOSE_API_SERVICE = 'api';
/** The webhook worker's service in docker-compose.scale.yml (schema `webhooks`). */
export const COMPOSE_WORKER_SERVICE = 'worker';
/** The rule file beside prometheus.yml; Prometheus resolves it relative to the configuration file. */
export const ALERTS_FILE = 'alerts.yml';
/** Prometheus' service name and port in the compose stack, as Grafana's data source reaches it. */
export const PROMETHEUS_URL = 'http://prometheus:9090';

const SCRAPE_INTERVAL = '15s';

/**
 * Prometheus' configuration for the compose stack. The API runs several replicas behind one compose
 * service name; Docker's DNS answers that name with one A record per replica, so DNS discovery finds
 * each replica and scrapes it on its own (a scrape through the load balancer would see a random one).
 */
export function prometheusConfig(model: Model): object {
  const names = deploymentNames(model);
  return {
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    rule_files: [ALERTS_FILE],
    scrape_configs: [
      apiScrapeConfig(names.api, model.deployment),
      ...(model.jobs ? [dnsScrapeConfig(names.worker, COMPOSE_WORKER_SERVICE, WORKER_PORT)] : []),
    ],
  };
}

function apiScrapeConfig(job: string, deployment: DeploymentModel): object {
  return dnsScrapeConfig(job, COMPOSE_API_SERVICE, deployment.port);
}

/** Each replica of a compose service, found by DNS and scraped on its own. */
function dnsScrapeConfig(job: string, service: string, port: number): object {
  return {
    // The job label every dashboard and alert selects on; the ServiceMonitor's Service has this name too.
    job_name: job,
    metrics_path: METRICS_PATH,
    dns_sd_configs: [{ names: [service], type: 'A', port, refresh_interval: '30s' }],
  };
}
