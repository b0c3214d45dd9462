import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { Model } from '../../../model/types';
import { deploymentNames, labels } from '../names';
import { CONTAINER_SECURITY, TMP_MOUNT, TMP_VOLUME, podSecurity } from './pod';

/** The uid of the `node` user in the official Node.js images, which the Dockerfile runs as. */
export const NODE_UID = 1000;

/**
 * A finished Job is deleted after this, so the next `kubectl apply` with a new image creates it
 * again under the same name (a Job's pod template cannot be changed in place).
 */
export const MIGRATION_JOB_TTL_SECONDS = 300;

/**
 * Migrations and the wait for them reach the primary itself (DATABASE_DIRECT_URL), in a session of
 * their own: DDL in a transaction and the advisory lock cannot go through transaction pooling.
 */
function directDatabaseEnvironment(model: Model): NonNullable<IContainer['env']> {
  return [
    {
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: deploymentNames(model).secrets, key: 'DATABASE_DIRECT_URL' } },
    },
    { name: 'DB_TRANSACTION_POOLING', value: 'false' },
  ];
}

export function environmentFrom(model: Model): NonNullable<IContainer['envFrom']> {
  const names = deploymentNames(model);
  return [{ configMapRef: { name: names.config } }, { secretRef: { name: names.secrets } }];
}

/** A container of the API image running `node dist/migrate.js` with `args`, on the direct database URL. */
export function migrationContainer(model: Model, name: string, args: string[]): IContainer {
  const { resources } = model.deployment;
  return {
    name,
    image: model.deployment.image,
    command: ['node', 'dist/migrate.js', ...args],
    envFrom: environmentFrom(model),
    env: directDatabaseEnvironment(model),
    resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
    securityContext: CONTAINER_SECURITY,
    volumeMounts: [TMP_MOUNT],
  };
}

/**
 * Applies the image's migrations once per release. The API pods of that release wait for it in an
 * init container (`migrate.js --wait`), so plain `kubectl apply` of everything at once is safe.
 */
export function migrationJob(model: Model): IJob {
  const names = deploymentNames(model);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.migrate, labels: labels(model, 'migrate') },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: MIGRATION_JOB_TTL_SECONDS,
      template: {
        metadata: { labels: labels(model, 'migrate') },
        spec: {
          // A failed pod stays for its logs; the Job starts a new one (backoffLimit).
          restartPolicy: 'Never',
          securityContext: podSecurity(NODE_UID),
          containers: [migrationContainer(model, 'migrate', [])],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}
