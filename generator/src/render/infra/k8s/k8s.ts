import type { Model } from '../../../model/types';
import { type Artifact, apsoFile, type ArtifactFile, text, yaml } from '../../artifact';
import { SECRET_KEYS } from '../environment';
import { deploymentNames } from '../names';
import { DATABASE_HOSTS } from '../pgbouncer/pgbouncer-ini';
import { apiAutoscaler, apiConfigMap, apiDeployment, apiDisruptionBudget, apiService } from './api';
import { migrationJob } from './migration';
import { pgbouncerConfigMap, pgbouncerDeployment, pgbouncerService, USERLIST_KEY } from './pgbouncer';

export const K8S_DIR = 'k8s';
/** The secret files kustomize reads; the user writes them, and no repository ever holds them. */
export const SECRETS_ENV_FILE = 'secrets.env';
export const USERLIST_FILE = 'pgbouncer-userlist.txt';
export const SECRET_FILES = [SECRETS_ENV_FILE, USERLIST_FILE].map((file) => `${K8S_DIR}/${file}`);
/**
 * `Kustomization` (no extension) is a name kustomize reads and `kubectl apply -f k8s` skips: -f reads
 * every .yaml/.yml/.json file of the folder, and would send a kustomization.yaml to the API server as
 * an object of kind Kustomization, which no server knows.
 */
export const KUSTOMIZATION_FILE = 'Kustomization';

/** Each manifest file and the object it holds, one object a file, in the order `-f` applies them. */
export function manifests(model: Model): Record<string, object> {
  return {
    'api-config.yaml': apiConfigMap(model),
    'api-deployment.yaml': apiDeployment(model),
    'api-service.yaml': apiService(model),
    'api-autoscaler.yaml': apiAutoscaler(model),
    'api-disruption-budget.yaml': apiDisruptionBudget(model),
    'migrate-job.yaml': migrationJob(model),
    'pgbouncer-config.yaml': pgbouncerConfigMap(model),
    'pgbouncer-deployment.yaml': pgbouncerDeployment(model),
    'pgbouncer-service.yaml': pgbouncerService(model),
  };
}

function kustomization(model: Model, resources: string[]): object {
  const names = deploymentNames(model);
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
    // A fixed Secret name, the one the manifests reference: the same with -k and with -f (where the
    // Secret is created by `kubectl create secret`).
    generatorOptions: { disableNameSuffixHash: true },
    secretGenerator: [
      { name: names.secrets, envs: [SECRETS_ENV_FILE] },
      { name: names.pgbouncer, files: [`${USERLIST_KEY}=${USERLIST_FILE}`] },
    ],
  };
}

/** What the secret files hold, with placeholders: copy, fill in, never commit. */
function secretsExample(model: Model): string {
  const { deployment } = model;
  const pooled = (alias: string) =>
    `postgres://app:CHANGE_ME@${deploymentNames(model).pgbouncer}:${deployment.pgbouncerPort}/${alias}`;
  const [primary, replica] = ['primary', 'replica'].map(
    (role) => deployment.pooledDatabases.find((database) => database.role === role)?.alias ?? '',
  );
  const values: Record<(typeof SECRET_KEYS)[number], string> = {
    DATABASE_URL: pooled(primary),
    DATABASE_REPLICA_URL: pooled(replica),
    DATABASE_DIRECT_URL: `postgres://app:CHANGE_ME@${DATABASE_HOSTS.primary}:${DATABASE_HOSTS.port}/${deployment.database.name}`,
    REDIS_URL: 'redis://redis:6379',
  };
  return SECRET_KEYS.map((key) => `${key}=${values[key]}\n`).join('');
}

/** The core Kubernetes manifests (k8s/), applied with `kubectl apply -k k8s` or `-f k8s`. See docs/deploy.md. */
export const K8S_ARTIFACT: Artifact = {
  name: 'k8s',
  files: ({ model }) => {
    const files = Object.entries(manifests(model));
    const resources: ArtifactFile[] = files.map(([file, object]) => apsoFile(`${K8S_DIR}/${file}`, yaml(object)));
    return [
      ...resources,
      apsoFile(
        `${K8S_DIR}/${KUSTOMIZATION_FILE}`,
        yaml(
          kustomization(
            model,
            files.map(([file]) => file),
          ),
        ),
      ),
      apsoFile(`${K8S_DIR}/${SECRETS_ENV_FILE}.example`, text(secretsExample(model))),
      apsoFile(`${K8S_DIR}/${USERLIST_FILE}.example`, text('"app" "CHANGE_ME"\n')),
    ];
  },
};
