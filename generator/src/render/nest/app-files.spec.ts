import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planFiles } from '../../plan/plan';
import type { SchemaDocument } from '../../schema/document';
import { contextOf } from '../spec-support';
import { renderAuthModule } from './app-files';

describe('src/generated/auth.ts', () => {
  const jwt = { rolesClaim: 'roles', clockToleranceSeconds: 30 };

  test('without apiKey: the token settings only, as before API keys existed', () => {
    const text = renderAuthModule({ jwt, apiKey: null });
    assert.match(text, /AuthModule\.forRoot\(\{ rolesClaim: 'roles', clockToleranceSeconds: 30 \}\);/);
    assert.doesNotMatch(text, /apiKey|AUTH_API_KEYS_FILE/);
  });

  test('with apiKey: its header reaches AuthModule.forRoot, and the comment names AUTH_API_KEYS_FILE', () => {
    const text = renderAuthModule({ jwt, apiKey: { header: 'x-service-key' } });
    assert.match(
      text,
      /AuthModule\.forRoot\(\{ rolesClaim: 'roles', clockToleranceSeconds: 30, apiKey: \{ header: 'x-service-key' \} \}\);/,
    );
    assert.match(text, /AUTH_API_KEYS_FILE/);
  });

  test('without issuer, audience or key set in the schema, the settings are the roles claim and the leeway', () => {
    const text = renderAuthModule({ jwt, apiKey: null });
    assert.match(text, /AuthModule\.forRoot\(\{ rolesClaim: 'roles', clockToleranceSeconds: 30 \}\);/);
    assert.match(text, /AUTH_JWT_SECRET or AUTH_JWKS_URL names the keys/);
  });

  test("the schema's issuer, audience and key set are passed on, as defaults the environment overrides", () => {
    const text = renderAuthModule({
      jwt: {
        rolesClaim: 'cognito:groups',
        clockToleranceSeconds: 30,
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
        audience: 'client-1',
        jwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
      },
      apiKey: null,
    });
    assert.match(
      text,
      /forRoot\(\{ rolesClaim: 'cognito:groups', clockToleranceSeconds: 30, issuer: 'https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_abc', audience: 'client-1', jwksUrl: 'https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_abc\/\.well-known\/jwks\.json' \}\);/,
    );
    assert.match(text, /the schema's key set, unless AUTH_JWKS_URL or AUTH_JWT_SECRET names other keys/);
  });
});

describe('background work: src/generated/jobs.ts, src/worker.ts, start:worker', () => {
  const plain: SchemaDocument = { name: 'shop', entities: [{ name: 'Widget' }] };
  const withWebhooks: SchemaDocument = {
    name: 'shop',
    entities: [{ name: 'Widget', events: ['deleted', 'created'] }],
    webhooks: [{ name: 'search-index', events: ['Widget.created', 'Widget.deleted'] }],
    jobs: { attempts: 3, rateLimit: { max: 5, durationMs: 1000 } },
  };
  const filesOf = (document: SchemaDocument) =>
    new Map(planFiles(contextOf(document)).map((file) => [file.path, file.content]));

  test('with webhooks: JOBS_CONFIG holds the webhooks with their variables and every setting, defaults filled in', () => {
    const text = filesOf(withWebhooks).get('src/generated/jobs.ts')!;
    assert.match(
      text,
      /export const JOBS_CONFIG: JobsConfig = \{ webhooks: \[\{ name: 'search-index', events: \['Widget\.created', 'Widget\.deleted'\], urlVariable: 'WEBHOOK_SEARCH_INDEX_URL', secretVariable: 'WEBHOOK_SEARCH_INDEX_SECRET' \}\], attempts: 3, backoffMs: 1000, maxBackoffMs: 3600000, timeoutMs: 10000, concurrency: 10, rateLimit: \{ max: 5, durationMs: 1000 \}, keepCompleted: \{ ageSeconds: 86400, count: 1000 \}, keepFailed: \{ ageSeconds: 604800, count: 10000 \} \};/,
    );
    assert.match(text, /import \{ JobsAdminModule \} from '\.\.\/platform\/jobs\/jobs-admin\.module';/);
    assert.match(text, /export const JOBS_MODULE = JobsAdminModule\.forRoot\(JOBS_CONFIG\);/);
  });

  test('with webhooks: JOBS_MODULE ends ENTITY_MODULES, src/worker.ts boots the worker, package.json runs it', () => {
    const files = filesOf(withWebhooks);
    assert.match(
      files.get('src/generated/modules.ts')!,
      /export const ENTITY_MODULES = \[WidgetModule, JOBS_MODULE\];/,
    );
    assert.match(
      files.get('src/worker.ts')!,
      /void bootstrapWorker\(\{ entities: ENTITIES, migrations: MIGRATIONS \}, JOBS_CONFIG\);/,
    );
    assert.match(files.get('src/worker.ts')!, /from '\.\/platform\/jobs\/worker-bootstrap'/);
    const scripts = JSON.parse(files.get('package.json')!).scripts;
    assert.equal(scripts['start:worker'], 'node dist/worker.js');
    assert.match(
      files.get('src/modules/widget/generated/widget.resource.ts')!,
      /events: \['created', 'deleted'\]/,
      'in the order created, updated, deleted',
    );
  });

  test('without webhooks: none of it, and the resource definition has no events key', () => {
    const files = filesOf(plain);
    assert.equal(files.get('src/generated/jobs.ts'), undefined);
    assert.equal(files.get('src/worker.ts'), undefined);
    assert.doesNotMatch(files.get('src/generated/modules.ts')!, /JOBS_MODULE/);
    assert.equal(JSON.parse(files.get('package.json')!).scripts['start:worker'], undefined);
    assert.doesNotMatch(files.get('src/modules/widget/generated/widget.resource.ts')!, /events/);
  });
});
