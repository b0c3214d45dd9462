import type { AuthModel, JobsModel, Model } from '../../model/types';
import { apsoFile, type Artifact, text, userFile } from '../artifact';
import { GENERATED_HEADER } from '../header';
import { ImportSet, objectLiteral, str } from '../imports';
import { APP_PATHS, entityPaths, importPath, platformImport } from '../layout';

/* Lists that come from the schema live in generated files; the user-owned app module only points at them. */

export const APP_FILES_ARTIFACT: Artifact = {
  name: 'app-files',
  files: ({ model }) => [
    apsoFile(APP_PATHS.entities, text(renderEntitiesList(model))),
    apsoFile(APP_PATHS.modules, text(renderModulesList(model))),
    apsoFile(APP_PATHS.apiInfo, text(renderApiInfo(model))),
    ...(model.auth ? [apsoFile(APP_PATHS.auth, text(renderAuthModule(model.auth)))] : []),
    userFile(APP_PATHS.appModule, text(renderAppModule())),
    userFile(APP_PATHS.main, text(renderMain())),
    userFile(APP_PATHS.migrate, text(renderMigrate())),
    ...(model.jobs
      ? [apsoFile(APP_PATHS.jobs, text(renderJobs(model.jobs))), userFile(APP_PATHS.worker, text(renderWorker()))]
      : []),
  ],
};

export function renderEntitiesList(model: Model): string {
  const file = APP_PATHS.entities;
  const imports = new ImportSet(['ENTITIES']);
  const names = model.entities.map((entity) =>
    imports.value(importPath(file, entityPaths(entity).entity), entity.names.className),
  );
  return imports.file(
    GENERATED_HEADER,
    `/** Every entity, registered on both the primary and the replica connection. */\nexport const ENTITIES = [${names.join(', ')}];`,
  );
}

export function renderModulesList(model: Model): string {
  const file = APP_PATHS.modules;
  const imports = new ImportSet(['ENTITY_MODULES']);
  const names = model.entities.map((entity) =>
    imports.value(importPath(file, entityPaths(entity).module), `${entity.names.className}Module`),
  );
  // Listed here rather than in the user-owned app module, so that turning auth on needs no edit there.
  const auth = model.auth ? [imports.value(importPath(file, APP_PATHS.auth), 'AUTH_MODULE')] : [];
  const jobs = model.jobs ? [imports.value(importPath(file, APP_PATHS.jobs), 'JOBS_MODULE')] : [];
  const comment = [
    model.auth ? 'Authentication (the guard every route passes), then one' : 'One',
    ' feature module per entity',
    model.jobs ? ", then the operators' API of the webhook queues." : '.',
  ].join('');
  return imports.file(
    GENERATED_HEADER,
    `/** ${comment} */\nexport const ENTITY_MODULES = [${[...auth, ...names, ...jobs].join(', ')}];`,
  );
}

/** The schema's `auth`: the platform's AuthModule with the token settings; keys come from the environment. */
export function renderAuthModule(auth: AuthModel): string {
  const file = APP_PATHS.auth;
  const imports = new ImportSet(['AUTH_MODULE']);
  const module = imports.value(platformImport(file, 'auth/auth.module'), 'AuthModule');
  const settings = objectLiteral({
    rolesClaim: str(auth.jwt.rolesClaim),
    clockToleranceSeconds: String(auth.jwt.clockToleranceSeconds),
    // Left out (objectLiteral drops undefined) when the schema does not name them.
    issuer: optionalStr(auth.jwt.issuer),
    audience: optionalStr(auth.jwt.audience),
    jwksUrl: optionalStr(auth.jwt.jwksUrl),
    ...(auth.apiKey ? { apiKey: objectLiteral({ header: str(auth.apiKey.header) }) } : {}),
  });
  const keys =
    auth.jwt.jwksUrl === undefined
      ? 'AUTH_JWT_SECRET or AUTH_JWKS_URL names the keys'
      : "the schema's key set, unless AUTH_JWKS_URL or AUTH_JWT_SECRET names other keys";
  const comment = auth.apiKey
    ? `Bearer JWT or API key authentication (docs/auth.md); ${keys.replace('the keys', 'the token keys')}, AUTH_API_KEYS_FILE the API keys.`
    : `Bearer JWT authentication (docs/auth.md); ${keys}.`;
  return imports.file(
    GENERATED_HEADER,
    `/** ${comment} */\nexport const AUTH_MODULE = ${module}.forRoot(${settings});`,
  );
}

/** The schema's `webhooks` and `jobs`: what the worker delivers and how, and the API pods' dead-letter endpoints. */
export function renderJobs(jobs: JobsModel): string {
  const file = APP_PATHS.jobs;
  const imports = new ImportSet(['JOBS_CONFIG', 'JOBS_MODULE']);
  const config = imports.type(platformImport(file, 'jobs/jobs-config'), 'JobsConfig');
  const module = imports.value(platformImport(file, 'jobs/jobs-admin.module'), 'JobsAdminModule');
  const webhooks = jobs.webhooks.map((webhook) =>
    objectLiteral({
      name: str(webhook.name),
      events: `[${webhook.events.map(str).join(', ')}]`,
      urlVariable: str(webhook.urlVariable),
      secretVariable: str(webhook.secretVariable),
    }),
  );
  const retention = (kept: JobsModel['keepCompleted']) =>
    objectLiteral({ ageSeconds: String(kept.ageSeconds), count: String(kept.count) });
  const settings = objectLiteral({
    webhooks: `[${webhooks.join(', ')}]`,
    attempts: String(jobs.attempts),
    backoffMs: String(jobs.backoffMs),
    maxBackoffMs: String(jobs.maxBackoffMs),
    timeoutMs: String(jobs.timeoutMs),
    concurrency: String(jobs.concurrency),
    rateLimit: jobs.rateLimit
      ? objectLiteral({ max: String(jobs.rateLimit.max), durationMs: String(jobs.rateLimit.durationMs) })
      : undefined,
    keepCompleted: retention(jobs.keepCompleted),
    keepFailed: retention(jobs.keepFailed),
  });
  return imports.file(
    GENERATED_HEADER,
    [
      '/** The webhooks (their URL and signing secret come from the variables named) and how deliveries are retried and kept. */',
      `export const JOBS_CONFIG: ${config} = ${settings};`,
      '',
      "/** The operators' API of the queues (dead letters listed and replayed), in the API pods. */",
      `export const JOBS_MODULE = ${module}.forRoot(JOBS_CONFIG);`,
    ].join('\n'),
  );
}

const optionalStr = (value: string | undefined): string | undefined => (value === undefined ? undefined : str(value));

/** What the OpenAPI document says of the API as a whole; bootstrap (src/main.ts) passes it on. */
export function renderApiInfo(model: Model): string {
  const imports = new ImportSet(['API_INFO']);
  const apiInfo = imports.type(platformImport(APP_PATHS.apiInfo, 'http/openapi'), 'ApiInfo');
  return imports.file(
    GENERATED_HEADER,
    `/** The OpenAPI document's title: the schema's name. */\nexport const API_INFO: ${apiInfo} = { title: ${str(model.name)} };`,
  );
}

export function renderAppModule(): string {
  const file = APP_PATHS.appModule;
  const imports = new ImportSet(['AppModule']);
  const entities = imports.value(importPath(file, APP_PATHS.entities), 'ENTITIES');
  const migrations = imports.value(importPath(file, APP_PATHS.migrations), 'MIGRATIONS');
  const modules = imports.value(importPath(file, APP_PATHS.modules), 'ENTITY_MODULES');
  const platform = imports.value(platformImport(file, 'platform.module'), 'PlatformModule');
  return imports.file(
    undefined,
    [
      '/** The application: the platform (config, database, cache, metrics, health) and one module per entity. */',
      `@${imports.value('@nestjs/common', 'Module')}({`,
      `  imports: [${platform}.forRoot({ entities: ${entities}, migrations: ${migrations} }), ...${modules}],`,
      '})',
      'export class AppModule {}',
    ].join('\n'),
  );
}

export function renderMain(): string {
  const file = APP_PATHS.main;
  const imports = new ImportSet();
  const appModule = imports.value(importPath(file, APP_PATHS.appModule), 'AppModule');
  const apiInfo = imports.value(importPath(file, APP_PATHS.apiInfo), 'API_INFO');
  const bootstrap = imports.value(platformImport(file, 'bootstrap'), 'bootstrap');
  return imports.file(undefined, `void ${bootstrap}(${appModule}, ${apiInfo});`);
}

export function renderWorker(): string {
  const file = APP_PATHS.worker;
  const imports = new ImportSet();
  const entities = imports.value(importPath(file, APP_PATHS.entities), 'ENTITIES');
  const migrations = imports.value(importPath(file, APP_PATHS.migrations), 'MIGRATIONS');
  const jobs = imports.value(importPath(file, APP_PATHS.jobs), 'JOBS_CONFIG');
  const bootstrapWorker = imports.value(platformImport(file, 'jobs/worker-bootstrap'), 'bootstrapWorker');
  return imports.file(
    undefined,
    `/** \`npm run start:worker\`: relays the entities' events and delivers them to the webhooks, apart from the API pods. */\nvoid ${bootstrapWorker}({ entities: ${entities}, migrations: ${migrations} }, ${jobs});`,
  );
}

export function renderMigrate(): string {
  const file = APP_PATHS.migrate;
  const imports = new ImportSet();
  const entities = imports.value(importPath(file, APP_PATHS.entities), 'ENTITIES');
  const migrations = imports.value(importPath(file, APP_PATHS.migrations), 'MIGRATIONS');
  const runMigrations = imports.value(platformImport(file, 'database/migrate'), 'runMigrations');
  return imports.file(
    undefined,
    `/** \`npm run migrate\`: applies pending migrations on the primary, then exits. */\nvoid ${runMigrations}({ entities: ${entities}, migrations: ${migrations} });`,
  );
}
