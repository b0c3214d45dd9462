import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { buildModel } from '../../../model/build';
import type { Model } from '../../../model/types';
import type { DeploymentSpec, SchemaDocument } from '../../../schema/document';
import { validateDocument } from '../../../validate/validate';
import { ini } from '../../artifact';
import { serializeContent } from '../../serialize';
import { PRE_STOP_SECONDS, SECRET_KEYS, terminationGraceSeconds } from '../environment';
import { pgbouncerIni } from '../pgbouncer/pgbouncer-ini';
import { CONTAINER_ARTIFACT } from '../container/container';
import { K8S_ARTIFACT, manifests, secretFiles } from './k8s';

function model(
  deployment?: DeploymentSpec,
  extraEntity = false,
  auth?: SchemaDocument['auth'],
  webhooks?: SchemaDocument['webhooks'],
): Model {
  const document: SchemaDocument = {
    name: 'shop',
    ...(deployment ? { deployment } : {}),
    ...(auth ? { auth } : {}),
    ...(webhooks ? { webhooks } : {}),
    entities: [
      {
        name: 'Product',
        fields: [{ name: 'title', type: 'text' }],
        ...(webhooks ? { events: ['created' as const, 'deleted' as const] } : {}),
      },
      ...(extraEntity ? [{ name: 'Order', fields: [{ name: 'total', type: 'integer' as const }] }] : []),
    ],
  };
  const validated = validateDocument(document);
  assert.deepEqual(validated.diagnostics, []);
  return buildModel(validated.document!);
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: object) => Validatable;

/** kubernetes-models' class for an object's apiVersion and kind (the package is ESM-only). */
async function modelClass(object: { apiVersion?: string; kind?: string }): Promise<ModelClass> {
  const modules: Record<string, () => Promise<Record<string, unknown>>> = {
    v1: () => import('kubernetes-models/v1'),
    'apps/v1': () => import('kubernetes-models/apps/v1'),
    'batch/v1': () => import('kubernetes-models/batch/v1'),
    'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
    'policy/v1': () => import('kubernetes-models/policy/v1'),
  };
  const load = modules[object.apiVersion ?? ''];
  assert.ok(load, `no schema module for ${object.apiVersion}`);
  const found = (await load())[object.kind ?? ''];
  assert.equal(typeof found, 'function', `no ${object.kind} in ${object.apiVersion}`);
  return found as ModelClass;
}

async function validate(object: object): Promise<void> {
  const Class = await modelClass(object);
  new Class(object).validate();
}

const identity = (object: object) => {
  const { kind, metadata } = object as { kind: string; metadata: { name: string } };
  return `${kind}/${metadata.name}`;
};

describe('the Kubernetes manifests', () => {
  test('every manifest is valid against the Kubernetes schemas, with default and other options', async () => {
    for (const options of [undefined, { replicas: { min: 1, max: 3 }, pgbouncer: { replicas: 3 } }]) {
      for (const [file, object] of Object.entries(manifests(model(options)))) {
        await assert.doesNotReject(validate(object), file);
      }
    }
  });

  test('a broken object fails the schema check', async () => {
    const deployment = manifests(model())['api-deployment.yaml'] as IDeployment;
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    await assert.rejects(validate(broken), /replicas/);
    const service = structuredClone(manifests(model())['api-service.yaml']) as { spec: { ports: { port: unknown }[] } };
    service.spec.ports[0].port = '80';
    await assert.rejects(validate(service), /port/);
  });

  test('file and object names are pinned, and another entity in the schema changes none of them', () => {
    const expected = {
      'api-config.yaml': 'ConfigMap/shop-config',
      'api-deployment.yaml': 'Deployment/shop',
      'api-service.yaml': 'Service/shop',
      'api-autoscaler.yaml': 'HorizontalPodAutoscaler/shop',
      'api-disruption-budget.yaml': 'PodDisruptionBudget/shop',
      'migrate-job.yaml': 'Job/shop-migrate',
      'pgbouncer-config.yaml': 'ConfigMap/shop-pgbouncer',
      'pgbouncer-deployment.yaml': 'Deployment/shop-pgbouncer',
      'pgbouncer-service.yaml': 'Service/shop-pgbouncer',
    };
    for (const extraEntity of [false, true]) {
      const names = Object.fromEntries(
        Object.entries(manifests(model(undefined, extraEntity))).map(([file, object]) => [file, identity(object)]),
      );
      assert.deepEqual(names, expected);
    }
    const files = (extraEntity: boolean) =>
      K8S_ARTIFACT.files({ model: model(undefined, extraEntity) } as never).map((file) => file.path);
    assert.deepEqual(files(true), files(false));
    assert.deepEqual(files(false), [
      ...Object.keys(expected).map((file) => `k8s/${file}`),
      'k8s/Kustomization',
      'k8s/secrets.env.example',
      'k8s/pgbouncer-userlist.txt.example',
    ]);
  });

  test('the grace period covers the preStop pause, the ConfigMap drain, the longest request and a margin', () => {
    for (const shutdownDrainSeconds of [undefined, 20]) {
      const shop = model(shutdownDrainSeconds ? { shutdownDrainSeconds } : undefined);
      const objects = manifests(shop);
      const config = objects['api-config.yaml'] as IConfigMap;
      const pod = (objects['api-deployment.yaml'] as IDeployment).spec!.template.spec!;
      const preStop = Number(pod.containers[0].lifecycle!.preStop!.exec!.command!.at(-1));
      const drainSeconds = Number(config.data!.SHUTDOWN_DRAIN_MS) / 1000;
      assert.equal(preStop, PRE_STOP_SECONDS);
      if (shutdownDrainSeconds) assert.equal(drainSeconds, shutdownDrainSeconds);
      // 30 s: the platform's default HTTP_REQUEST_TIMEOUT_MS; 5 s: closing pools and Redis.
      assert.equal(pod.terminationGracePeriodSeconds, preStop + drainSeconds + 30 + 5);
      assert.equal(pod.terminationGracePeriodSeconds, terminationGraceSeconds(shop.deployment));
    }
  });

  test('replicas, resources and the autoscaler follow the schema options', () => {
    const objects = manifests(
      model({
        replicas: { min: 3, max: 7 },
        autoscaling: { cpuUtilization: 55, memoryUtilization: 65, scaleDownStabilizationSeconds: 120 },
        resources: { requests: { cpu: '500m', memory: '300Mi' }, limits: { cpu: '2', memory: '600Mi' } },
      }),
    );
    const hpa = objects['api-autoscaler.yaml'] as IHorizontalPodAutoscaler;
    assert.equal(hpa.spec!.minReplicas, 3);
    assert.equal(hpa.spec!.maxReplicas, 7);
    assert.deepEqual(
      hpa.spec!.metrics!.map((metric) => [metric.resource!.name, metric.resource!.target.averageUtilization]),
      [
        ['cpu', 55],
        ['memory', 65],
      ],
    );
    assert.equal(hpa.spec!.behavior!.scaleDown!.stabilizationWindowSeconds, 120);
    assert.deepEqual(hpa.spec!.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' });
    const deployment = objects['api-deployment.yaml'] as IDeployment;
    assert.equal(deployment.spec!.replicas, 3);
    assert.deepEqual(deployment.spec!.template.spec!.containers[0].resources, {
      requests: { cpu: '500m', memory: '300Mi' },
      limits: { cpu: '2', memory: '600Mi' },
    });
    assert.equal(deployment.spec!.strategy!.rollingUpdate!.maxUnavailable, 0);
  });

  test('migrations run on the direct URL without transaction pooling, and API pods wait for them', () => {
    const objects = manifests(model());
    const config = objects['api-config.yaml'] as IConfigMap;
    assert.equal(config.data!.DB_TRANSACTION_POOLING, 'true');
    const job = objects['migrate-job.yaml'] as IJob;
    const pod = (objects['api-deployment.yaml'] as IDeployment).spec!.template.spec!;
    const [waiter] = pod.initContainers!;
    for (const container of [job.spec!.template.spec!.containers[0], waiter]) {
      assert.deepEqual(container.env, [
        { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'DATABASE_DIRECT_URL' } } },
        { name: 'DB_TRANSACTION_POOLING', value: 'false' },
      ]);
      assert.equal(container.image, pod.containers[0].image);
    }
    assert.deepEqual(job.spec!.template.spec!.containers[0].command, ['node', 'dist/migrate.js']);
    assert.deepEqual(waiter.command, ['node', 'dist/migrate.js', '--wait']);
    assert.ok(job.spec!.ttlSecondsAfterFinished! > 0, 'a finished Job goes, so its stable name can be applied again');
    assert.ok(SECRET_KEYS.includes('DATABASE_DIRECT_URL'));
  });

  test("PgBouncer's ConfigMap holds the shared pgbouncer.ini builder's file", () => {
    const shop = model({ pgbouncer: { replicas: 3, defaultPoolSize: 25 } });
    const config = manifests(shop)['pgbouncer-config.yaml'] as IConfigMap;
    const { sections, comments } = pgbouncerIni(shop.deployment);
    assert.equal(config.data!['pgbouncer.ini'], serializeContent(ini(sections, comments)));
    assert.match(config.data!['pgbouncer.ini'], /default_pool_size = 25/);
    const deployment = manifests(shop)['pgbouncer-deployment.yaml'] as IDeployment;
    assert.equal(deployment.spec!.replicas, 3);
  });

  test('with auth: the Secret example lists the AUTH_* key source, empty; nothing else changes', () => {
    const file = (shop: Model, path: string) =>
      serializeContent(
        K8S_ARTIFACT.files({ model: shop } as never).find((candidate) => candidate.path === path)!.content,
      );
    const plain = file(model(), 'k8s/secrets.env.example');
    const withAuth = file(model(undefined, false, {}), 'k8s/secrets.env.example');
    assert.ok(withAuth.startsWith(plain));
    const variables = withAuth.split('\n').filter((line) => /^[A-Z]/.test(line));
    assert.deepEqual(variables.slice(-1), ['AUTH_JWT_SECRET=']);
    for (const name of ['AUTH_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'])
      assert.match(withAuth, new RegExp(`^# ${name}=`, 'm'));
    assert.deepEqual(manifests(model(undefined, false, {})), manifests(model()));
    assert.deepEqual(secretFiles(model(undefined, false, {})), ['k8s/secrets.env', 'k8s/pgbouncer-userlist.txt']);
  });

  test('with API keys: the keys file is a Secret mounted read-only where AUTH_API_KEYS_FILE points', async () => {
    const shop = model(undefined, false, { apiKey: {} });
    const objects = manifests(shop);
    for (const [file, object] of Object.entries(objects)) await assert.doesNotReject(validate(object), file);
    const config = objects['api-config.yaml'] as IConfigMap;
    assert.equal(config.data!.AUTH_API_KEYS_FILE, '/etc/apso/api-keys/api-keys.json');
    const pod = (objects['api-deployment.yaml'] as IDeployment).spec!.template.spec!;
    const mount = pod.containers[0].volumeMounts!.find((candidate) => candidate.name === 'api-keys');
    assert.deepEqual(mount, { name: 'api-keys', mountPath: '/etc/apso/api-keys', readOnly: true });
    assert.deepEqual(pod.volumes!.find((volume) => volume.name === 'api-keys')!.secret, {
      secretName: 'shop-api-keys',
      items: [{ key: 'api-keys.json', path: 'api-keys.json' }],
    });
    const files = K8S_ARTIFACT.files({ model: shop } as never);
    const kustomization = serializeContent(files.find((file) => file.path === 'k8s/Kustomization')!.content);
    assert.match(kustomization, /- name: shop-api-keys\n\s+files:\n\s+- api-keys\.json=api-keys\n/);
    const example = JSON.parse(serializeContent(files.find((file) => file.path === 'k8s/api-keys.example')!.content));
    assert.equal(example.keys[0].sha256, '0'.repeat(64), 'the example entry matches no key');
    assert.deepEqual(secretFiles(shop).slice(-2), ['k8s/api-keys', 'api-keys.json']);
    const dockerignore = CONTAINER_ARTIFACT.files({ model: shop } as never).find(
      (file) => file.path === '.dockerignore',
    )!;
    assert.deepEqual(serializeContent(dockerignore.content).split('\n').slice(-3), [
      'k8s/api-keys',
      'api-keys.json',
      '',
    ]);
    // The migration job and its wait never read keys: they keep their own environment.
    assert.deepEqual(manifests(shop)['migrate-job.yaml'], manifests(model())['migrate-job.yaml']);
  });

  test('with webhooks: a worker Deployment of the same image and environment, probed and scraped on its metrics port', async () => {
    const webhooks = [
      { name: 'billing-eu', events: ['Product.created'] },
      { name: 'search', events: ['Product.created', 'Product.deleted'] },
    ];
    const shop = model(undefined, false, undefined, webhooks);
    const objects = manifests(shop);
    for (const [file, object] of Object.entries(objects)) await assert.doesNotReject(validate(object), file);
    const plain = manifests(model());
    assert.deepEqual(Object.keys(objects), [...Object.keys(plain), 'worker-deployment.yaml', 'worker-service.yaml']);
    assert.equal(identity(objects['worker-deployment.yaml']), 'Deployment/shop-worker');
    assert.equal(identity(objects['worker-service.yaml']), 'Service/shop-worker');

    const deployment = objects['worker-deployment.yaml'] as IDeployment;
    const pod = deployment.spec!.template.spec!;
    const [worker] = pod.containers;
    const api = (objects['api-deployment.yaml'] as IDeployment).spec!.template.spec!.containers[0];
    assert.equal(deployment.spec!.replicas, 2);
    assert.deepEqual(worker.command, ['node', 'dist/worker.js']);
    assert.equal(worker.image, api.image);
    assert.deepEqual(worker.envFrom, api.envFrom);
    assert.deepEqual(worker.resources, api.resources);
    assert.deepEqual(worker.ports, [{ name: 'metrics', containerPort: 3001, protocol: 'TCP' }]);
    assert.deepEqual(worker.livenessProbe!.httpGet, { path: '/health/live', port: 'metrics' });
    assert.deepEqual(worker.readinessProbe!.httpGet, { path: '/health/ready', port: 'metrics' });
    const config = objects['api-config.yaml'] as IConfigMap;
    assert.ok(
      pod.terminationGracePeriodSeconds! > Number(config.data!.WORKER_SHUTDOWN_MS) / 1000,
      'running deliveries finish before SIGKILL',
    );
    assert.equal(pod.initContainers![0].name, 'wait-for-migrations', 'apso_events exists before the relay reads it');
    const service = objects['worker-service.yaml'] as {
      spec: { clusterIP: string; ports: object[]; selector: object };
    };
    assert.equal(service.spec.clusterIP, 'None');
    assert.deepEqual(service.spec.selector, deployment.spec!.selector.matchLabels);

    // Each webhook's URL and secret, and the admin token, in the Secret example, empty to fill in; none
    // in the ConfigMap (a URL may carry the receiver's token, and apso rewrites the ConfigMap).
    assert.equal(config.data!.WEBHOOK_BILLING_EU_URL, undefined);
    assert.equal(config.data!.WEBHOOK_SEARCH_URL, undefined);
    const example = serializeContent(
      K8S_ARTIFACT.files({ model: shop } as never).find((file) => file.path === 'k8s/secrets.env.example')!.content,
    );
    assert.deepEqual(
      example
        .split('\n')
        .filter((line) => /^[A-Z]/.test(line))
        .slice(-5),
      [
        'WEBHOOK_BILLING_EU_URL=',
        'WEBHOOK_BILLING_EU_SECRET=',
        'WEBHOOK_SEARCH_URL=',
        'WEBHOOK_SEARCH_SECRET=',
        'JOBS_ADMIN_TOKEN=',
      ],
    );
    const kustomization = serializeContent(
      K8S_ARTIFACT.files({ model: shop } as never).find((file) => file.path === 'k8s/Kustomization')!.content,
    );
    assert.match(kustomization, /- worker-deployment\.yaml\n\s+- worker-service\.yaml\n/);
  });
});
