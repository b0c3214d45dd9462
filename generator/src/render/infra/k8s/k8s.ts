import type { Model } from '../../../model/types';
import { type Artifact, apsoFile, type ArtifactFile, json, text, yaml } from '../../artifact';
import { API_KEYS_FILE, AUTH_SECRET_KEYS, jobsSecretKeys, SECRET_KEYS } from '../environment';
import { deploymentNames } from '../names';
import { DATABASE_HOSTS } from '../pgbouncer/pgbouncer-ini';
import { apiAutoscaler, apiConfigMap, apiDeployment, apiDisruptionBudget, apiService } from './api';
import { migrationJob } from './migration';
import { pgbouncerConfigMap, pgbouncerDeployment, pgbouncerService, USERLIST_KEY } from './pgbouncer';
import { workerDeployment, workerService } from './worker';

export const K8S_DIR = 'k8s';
/** The secret files kustomize reads; the user writes them, and no repository ever holds them. */
export const SECRETS_ENV_FILE = 'secrets.env';
export const USERLIST_FILE = 'pgbouncer-userlist.txt';
export const SECRET_FILES = [SECRETS_ENV_FILE, USERLIST_FILE].map((file) => `${K8S_DIR}/${file}`);
/**
 * The API keys file kustomize reads (it becomes `api-keys.json` in the Secret). No extension:
 * `kubectl apply -f k8s` reads every .json file of the folder as an object, and would fail on it.
 */
export const API_KEYS_LOCAL_FILE = 'api-keys';

/**
 * Every file of the project that holds secrets or callers' data and must stay out of the repository and
 * the image: with API keys, the keys file too (k8s/ for kustomize, the project folder for compose).
 */
export function secretFiles(model: Model): string[] {
  return [...SECRET_FILES, ...(model.auth?.apiKey ? [`${K8S_DIR}/${API_KEYS_LOCAL_FILE}`, API_KEYS_FILE] : [])];
}
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
    ...(model.jobs && {
      'worker-deployment.yaml': workerDeployment(model),
      'worker-service.yaml': workerService(model),
    }),
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
      // The API key hashes, mounted read-only into API pods (api.ts).
      ...(model.auth?.apiKey ? [{ name: names.apiKeys, files: [`${API_KEYS_FILE}=${API_KEYS_LOCAL_FILE}`] }] : []),
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
  return (
    SECRET_KEYS.map((key) => `${key}=${values[key]}\n`).join('') +
    (model.auth ? AUTH_SECRETS_EXAMPLE : '') +
    jobsSecretsExample(model)
  );
}

/**
 * Left empty like the auth secret: a copied example must not sign webhooks or open the dead-letter
 * endpoints with a value everyone can read here.
 */
function jobsSecretsExample(model: Model): string {
  const keys = jobsSecretKeys(model.jobs);
  if (keys.length === 0) return '';
  return [
    '',
    "# Webhooks (docs/jobs.md): each one's URL and signing secret (at least 32 bytes), and the token",
    "# of the API's job routes (at least 32 bytes, e.g. the output of `openssl rand -base64 48`):",
    ...keys.map((key) => `${key}=`),
    '',
  ].join('\n');
}

/**
 * `#` lines are comments to kustomize. The secret is left empty, never a placeholder: a copied
 * example must not start a service that accepts tokens signed with a secret everyone can read
 * here; empty counts as unset, and the app refuses to start naming the variables.
 */
const AUTH_SECRETS_EXAMPLE = [
  '',
  '# Authentication (docs/auth.md), one key source. A shared HS256 secret of at least 32 bytes',
  '# (e.g. the output of `openssl rand -base64 48`):',
  `${AUTH_SECRET_KEYS[0]}=`,
  "# or, instead, an identity provider's JWKS, with the issuer and audience its tokens must name:",
  `# ${AUTH_SECRET_KEYS[1]}=https://id.example.com/.well-known/jwks.json`,
  `# ${AUTH_SECRET_KEYS[2]}=https://id.example.com/`,
  `# ${AUTH_SECRET_KEYS[3]}=my-api`,
  '',
].join('\n');

/** The keys file's shape (docs/auth.md#api-keys); `npx apso api-key --id ... --file k8s/api-keys` adds real entries. */
const API_KEYS_EXAMPLE = {
  keys: [
    {
      id: 'example-remove-me',
      sha256: '0'.repeat(64),
      claims: { sub: 'example-remove-me', roles: ['reader'] },
      expiresAt: '2000-01-01T00:00:00Z',
    },
  ],
};

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
      ...(model.auth?.apiKey ? [apsoFile(`${K8S_DIR}/${API_KEYS_LOCAL_FILE}.example`, json(API_KEYS_EXAMPLE))] : []),
    ];
  },
};
