import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { buildModel } from '../../generator/src/model/build';
import { K8S_ARTIFACT } from '../../generator/src/render/infra/k8s/k8s';
import { serializeContent } from '../../generator/src/render/serialize';
import { REPO_ROOT } from '../support/repository';
import { requiredTool } from '../support/required-tool';
import { freePort } from '../support/services';

/**
 * The repository's own k8s/ (written by `apso generate`) through kubectl itself: kustomize renders
 * it, and `kubectl apply -f` reads exactly the manifests. Secret files are written into a copy in a
 * temp dir, never into the repository.
 */
const KUBECTL = requiredTool('kubectl', ['version', '--client']);
const work = mkdtempSync(join(tmpdir(), 'apso-k8s-'));
after(() => rmSync(work, { recursive: true, force: true }));

function copyOfK8s(name: string, withSecrets: boolean): string {
  const dir = join(work, name);
  cpSync(join(REPO_ROOT, 'k8s'), dir, { recursive: true });
  if (withSecrets) {
    // The repository's schema accepts API keys (auth.apiKey): kustomize also needs the keys file.
    for (const file of ['secrets.env', 'pgbouncer-userlist.txt', 'api-keys']) {
      cpSync(join(dir, `${file}.example`), join(dir, file));
    }
  }
  return dir;
}

function kubectl(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('kubectl', args, { encoding: 'utf8', env, timeout: 60_000 });
}

const MANIFESTS = readdirSync(join(REPO_ROOT, 'k8s'))
  .filter((file) => file.endsWith('.yaml'))
  .sort();

describe('k8s/ with kubectl', KUBECTL, () => {
  test('kubectl kustomize renders every core object, the three Secrets from the ignored files included', () => {
    const result = kubectl(['kustomize', copyOfK8s('rendered', true)]);
    assert.equal(result.status, 0, result.stderr);
    const objects = parseAllDocuments(result.stdout).map(
      (document) => document.toJSON() as { kind: string; metadata: { name: string }; data?: Record<string, string> },
    );
    assert.deepEqual(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort(), [
      'ConfigMap/apso-example-config',
      'ConfigMap/apso-example-pgbouncer',
      'Deployment/apso-example',
      'Deployment/apso-example-pgbouncer',
      'Deployment/apso-example-worker',
      'HorizontalPodAutoscaler/apso-example',
      'Job/apso-example-migrate',
      'PodDisruptionBudget/apso-example',
      'Secret/apso-example-api-keys',
      'Secret/apso-example-pgbouncer',
      'Secret/apso-example-secrets',
      'Service/apso-example',
      'Service/apso-example-pgbouncer',
      'Service/apso-example-worker',
    ]);
    const secret = objects.find((object) => object.metadata.name === 'apso-example-secrets')!;
    assert.deepEqual(Object.keys(secret.data!).sort(), [
      'AUTH_JWT_SECRET',
      'DATABASE_DIRECT_URL',
      'DATABASE_REPLICA_URL',
      'DATABASE_URL',
      'JOBS_ADMIN_TOKEN',
      'REDIS_URL',
      'WEBHOOK_ACTIVITY_SECRET',
      'WEBHOOK_ACTIVITY_URL',
    ]);
    // The schema has a webhook: the worker runs the API's image with the same ConfigMap and Secret.
    type Pods = {
      spec: { template: { spec: { containers: { command?: string[]; image: string; envFrom: object[] }[] } } };
    };
    const deployment = (name: string) =>
      objects.find((object) => object.kind === 'Deployment' && object.metadata.name === name) as unknown as Pods;
    const [api, worker] = ['apso-example', 'apso-example-worker'].map(
      (name) => deployment(name).spec.template.spec.containers[0],
    );
    assert.deepEqual(worker.command, ['node', 'dist/worker.js']);
    assert.equal(worker.image, api.image);
    assert.deepEqual(worker.envFrom, api.envFrom);
    const config = objects.find((object) => object.metadata.name === 'apso-example-config')!;
    assert.equal(config.data!.WEBHOOK_ACTIVITY_URL, undefined, 'webhook URLs are secrets, not configuration');
    const userlist = objects.find((object) => object.kind === 'Secret' && object.metadata.name.endsWith('pgbouncer'))!;
    assert.deepEqual(Object.keys(userlist.data!), ['userlist.txt']);
    const keys = objects.find(
      (object) => object.kind === 'Secret' && object.metadata.name === 'apso-example-api-keys',
    )!;
    assert.deepEqual(Object.keys(keys.data!), ['api-keys.json']);
  });

  test('without the secret files kustomize refuses, naming the missing one', () => {
    const result = kubectl(['kustomize', copyOfK8s('no-secrets', false)]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /secrets\.env/);
  });

  test('kubectl apply -f reads the manifests only: not the Kustomization, not the secret files', async () => {
    // No cluster here: kubectl names each file it read when it fails to fetch the schema to validate it.
    const server = `http://127.0.0.1:${await freePort()}`;
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'none', cluster: { server } }],
        contexts: [{ name: 'none', context: { cluster: 'none' } }],
        'current-context': 'none',
      }),
    );
    const filesRead = (dir: string) => {
      const result = kubectl(['apply', '-f', dir, '--dry-run=client'], { ...process.env, KUBECONFIG: kubeconfig });
      assert.notEqual(result.status, 0);
      return [...result.stderr.matchAll(/error validating "([^"]+)"/g)].map((match) => match[1].slice(dir.length + 1));
    };
    const dir = copyOfK8s('apply-f', true);
    assert.deepEqual(filesRead(dir).sort(), MANIFESTS);
    // What a kustomization.yaml would do: -f sends it to the server as an object of kind Kustomization.
    cpSync(join(dir, 'Kustomization'), join(dir, 'kustomization.yaml'));
    assert.deepEqual(filesRead(dir).sort(), [...MANIFESTS, 'kustomization.yaml'].sort());
    // With API keys, the keys file (no extension) is not read as an object either.
    const keyed = authK8s();
    assert.ok(readdirSync(keyed).includes('api-keys'));
    const keyedManifests = readdirSync(keyed).filter((file) => file.endsWith('.yaml'));
    assert.deepEqual(filesRead(keyed).sort(), keyedManifests.sort());
  });
});

/** k8s/ as `apso generate` writes it for a schema with auth and API keys, with the example secret files copied in. */
function authK8s(): string {
  const dir = join(work, 'auth');
  mkdirSync(dir, { recursive: true });
  const model = buildModel({ name: 'keyed', auth: { apiKey: {} }, entities: [{ name: 'Note' }] });
  for (const file of K8S_ARTIFACT.files({ model } as never))
    writeFileSync(join(dir, file.path.replace(/^k8s\//, '')), serializeContent(file.content));
  for (const file of ['secrets.env', 'pgbouncer-userlist.txt', 'api-keys'])
    cpSync(join(dir, `${file}.example`), join(dir, file));
  return dir;
}

describe('k8s/ of a schema with auth and API keys, with kubectl', KUBECTL, () => {
  test('kustomize makes the keys Secret the API pods mount, and the AUTH_* variables reach them', () => {
    const dir = authK8s();
    const result = kubectl(['kustomize', dir]);
    assert.equal(result.status, 0, result.stderr);
    type Object = {
      kind: string;
      metadata: { name: string };
      data?: Record<string, string>;
      spec?: { template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } } };
    };
    const objects = parseAllDocuments(result.stdout).map((document) => document.toJSON() as Object);
    const named = (kind: string, name: string) =>
      objects.find((object) => object.kind === kind && object.metadata.name === name)!;
    const keys = named('Secret', 'keyed-api-keys');
    assert.deepEqual(Object.keys(keys.data!), ['api-keys.json']);
    assert.deepEqual(JSON.parse(Buffer.from(keys.data!['api-keys.json'], 'base64').toString()).keys.length, 1);
    assert.ok('AUTH_JWT_SECRET' in named('Secret', 'keyed-secrets').data!);
    assert.equal(named('ConfigMap', 'keyed-config').data!.AUTH_API_KEYS_FILE, '/etc/apso/api-keys/api-keys.json');
    const volumes = named('Deployment', 'keyed').spec!.template.spec.volumes;
    assert.equal(volumes.find((volume) => volume.name === 'api-keys')!.secret!.secretName, 'keyed-api-keys');
  });

  test('without the keys file kustomize refuses, naming it', () => {
    const dir = authK8s();
    rmSync(join(dir, 'api-keys'));
    const result = kubectl(['kustomize', dir]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /api-keys/);
  });
});
