import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Model } from '../../../model/types';
import { ini } from '../../artifact';
import { serializeContent } from '../../serialize';
import { deploymentNames, labels, selectorLabels } from '../names';
import { PGBOUNCER_AUTH_FILE, pgbouncerIni } from '../pgbouncer/pgbouncer-ini';
import { CONTAINER_SECURITY, PRE_STOP, SURGE_ONLY, TMP_MOUNT, TMP_VOLUME, podSecurity } from './pod';

/**
 * edoburu/pgbouncer: small (Alpine), follows PgBouncer releases, runs `pgbouncer
 * /etc/pgbouncer/pgbouncer.ini` as the unprivileged `postgres` user (uid 70 on Alpine). Its entrypoint
 * writes a config from environment variables; the command below bypasses it and reads ours.
 */
export const PGBOUNCER_IMAGE = 'edoburu/pgbouncer:v1.25.2-p0';
const PGBOUNCER_UID = 70;
const CONFIG_DIR = '/etc/pgbouncer';
const PORT_NAME = 'pgbouncer';
/** The userlist's key in the Secret (and the file name PgBouncer reads). */
export const USERLIST_KEY = PGBOUNCER_AUTH_FILE.slice(CONFIG_DIR.length + 1);

/** pgbouncer.ini, from the builder that writes the compose one too, so the two cannot drift. */
export function pgbouncerConfigMap(model: Model): IConfigMap {
  const { sections, comments } = pgbouncerIni(model.deployment);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: deploymentNames(model).pgbouncer, labels: labels(model, 'pgbouncer') },
    data: { 'pgbouncer.ini': serializeContent(ini(sections, comments)) },
  };
}

export function pgbouncerDeployment(model: Model): IDeployment {
  const { deployment } = model;
  const name = deploymentNames(model).pgbouncer;
  const tcpProbe = { tcpSocket: { port: PORT_NAME } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(model, 'pgbouncer') },
    spec: {
      replicas: deployment.pgbouncer.replicas,
      selector: { matchLabels: selectorLabels(model, 'pgbouncer') },
      strategy: SURGE_ONLY,
      template: {
        metadata: { labels: labels(model, 'pgbouncer') },
        spec: {
          securityContext: podSecurity(PGBOUNCER_UID),
          containers: [
            {
              name: 'pgbouncer',
              image: PGBOUNCER_IMAGE,
              command: ['/usr/bin/pgbouncer', `${CONFIG_DIR}/pgbouncer.ini`],
              ports: [{ name: PORT_NAME, containerPort: deployment.pgbouncerPort, protocol: 'TCP' }],
              readinessProbe: { ...tcpProbe, periodSeconds: 5 },
              livenessProbe: { ...tcpProbe, periodSeconds: 10, failureThreshold: 3 },
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              lifecycle: PRE_STOP,
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }, TMP_MOUNT],
            },
          ],
          volumes: [
            {
              // pgbouncer.ini (ConfigMap) and userlist.txt (Secret) side by side, where the ini points.
              name: 'config',
              projected: {
                sources: [
                  { configMap: { name, items: [{ key: 'pgbouncer.ini', path: 'pgbouncer.ini' }] } },
                  { secret: { name, items: [{ key: USERLIST_KEY, path: USERLIST_KEY }] } },
                ],
              },
            },
            TMP_VOLUME,
          ],
        },
      },
    },
  };
}

export function pgbouncerService(model: Model): IService {
  const { deployment } = model;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: deploymentNames(model).pgbouncer, labels: labels(model, 'pgbouncer') },
    spec: {
      selector: selectorLabels(model, 'pgbouncer'),
      ports: [{ name: PORT_NAME, port: deployment.pgbouncerPort, targetPort: PORT_NAME, protocol: 'TCP' }],
    },
  };
}
