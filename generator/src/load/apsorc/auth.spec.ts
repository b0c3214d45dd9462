import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { importApsorc } from './index';
import { clean, entity, one } from './spec-support';
import { validateDocument } from '../../validate/validate';
import { buildModel } from '../../model/build';

const AUTH0 = {
  provider: 'auth0',
  jwt: { issuer: 'https://acme.eu.auth0.com/', audience: 'https://api.acme.com' },
};

/** A Workspace and a Project that belongs to one, with the given auth and Project options. */
function tenants(auth: unknown, project: object = {}, projectFields: unknown[] = []): object {
  return {
    version: 2,
    ...(auth === undefined ? {} : { auth }),
    entities: [
      { name: 'Workspace', fields: [{ name: 'name', type: 'text' }] },
      { name: 'Project', fields: [{ name: 'title', type: 'text' }, ...projectFields], ...project },
    ],
    relationships: [{ from: 'Project', to: 'Workspace', type: 'ManyToOne' }],
  };
}

/** The model the imported document builds, after apso's own validation accepted it. */
function model(result: ReturnType<typeof importApsorc>) {
  clean(result);
  const validated = validateDocument(result.document);
  assert.deepEqual(validated.diagnostics, []);
  return buildModel(validated.document!);
}

describe('auth: token providers', () => {
  test('auth0: issuer, audience, the key set under the issuer and the roles claim; scopeBy workspaceId is the workspace relation', () => {
    const r = importApsorc(
      tenants(
        { ...AUTH0, claims: { userId: 'sub', roles: 'https://acme.com/roles', organizationId: 'org_id' } },
        { scopeBy: 'workspaceId' },
      ),
    );
    const m = model(r);
    assert.deepEqual(r.document.auth, {
      jwt: {
        rolesClaim: 'https://acme.com/roles',
        issuer: 'https://acme.eu.auth0.com/',
        audience: 'https://api.acme.com',
        jwksUrl: 'https://acme.eu.auth0.com/.well-known/jwks.json',
      },
    });
    assert.deepEqual(entity(r, 'Project').scope, { by: 'workspace', claim: 'org_id' });
    assert.deepEqual(m.auth, {
      jwt: {
        rolesClaim: 'https://acme.com/roles',
        clockToleranceSeconds: 30,
        issuer: 'https://acme.eu.auth0.com/',
        audience: 'https://api.acme.com',
        jwksUrl: 'https://acme.eu.auth0.com/.well-known/jwks.json',
      },
      apiKey: null,
    });
    const project = m.entities.find((e) => e.names.className === 'Project');
    assert.deepEqual(project?.scope, {
      property: 'workspaceId',
      column: 'workspace_id',
      claim: 'org_id',
      type: 'integer',
      relation: 'workspace',
    });
    assert.ok(m.entities.find((e) => e.names.className === 'Workspace')?.scope === null);
    one(
      r.warnings,
      '/entities/1/scopeBy',
      /^Project is scoped by "workspace" = the token's "org_id" claim: a caller without the claim gets 403, where the APSO CLI's guard let the request through unscoped, and a create that sends "workspaceId" is refused, since apso takes it from the token$/,
    );
    assert.equal(r.warnings.length, 1, JSON.stringify(r.warnings));
  });

  test("clerk without claims: the organization claim is Clerk's org_id, said in a warning; an empty audience is left to the environment", () => {
    const r = importApsorc(
      tenants(
        { provider: 'clerk', jwt: { issuer: 'https://clerk.acme.com', audience: '' } },
        { scopeBy: 'organizationId' },
        [{ name: 'organizationId', type: 'uuid' }],
      ),
    );
    model(r);
    assert.deepEqual(r.document.auth, {
      jwt: { issuer: 'https://clerk.acme.com', jwksUrl: 'https://clerk.acme.com/.well-known/jwks.json' },
    });
    assert.deepEqual(entity(r, 'Project').scope, { by: 'organizationId', claim: 'org_id' });
    one(
      r.warnings,
      '/entities/1/scopeBy',
      /^"organizationId": "auth"."claims" does not say which claim holds it, so Clerk's organization claim "org_id" is read; set "claims": \{ "organizationId": "…" \} if your tokens carry it elsewhere$/,
    );
    one(
      r.warnings,
      '/auth/jwt/audience',
      /^no audience: apso checks the "aud" of every token verified with a key set, so set AUTH_JWT_AUDIENCE, and have Clerk put it in its tokens$/,
    );
  });

  test('cognito: an explicit jwksUri, cognito:groups as roles, and custom:org_id for the tenant', () => {
    const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC';
    const r = importApsorc(
      tenants(
        {
          provider: 'cognito',
          jwt: { issuer, audience: 'client-1', jwksUri: `${issuer}/.well-known/jwks.json`, algorithms: ['RS256'] },
          claims: { roles: 'cognito:groups' },
        },
        { scopeBy: 'workspaceId' },
      ),
    );
    model(r);
    assert.deepEqual(r.document.auth, {
      jwt: { rolesClaim: 'cognito:groups', issuer, audience: 'client-1', jwksUrl: `${issuer}/.well-known/jwks.json` },
    });
    assert.deepEqual(entity(r, 'Project').scope, { by: 'workspace', claim: 'custom:org_id' });
    one(r.warnings, '/entities/1/scopeBy', /Cognito's organization claim "custom:org_id" is read/);
    one(
      r.warnings,
      '/auth/jwt/audience',
      /^Cognito puts the app client id in the "aud" of its ID tokens only \(its access tokens carry "client_id" and no "aud"\), and apso checks "aud": callers must send ID tokens$/,
    );
  });

  test('an organization claim named as workspaceId serves organizationId too, and the other way round', () => {
    const r = importApsorc(
      tenants({ ...AUTH0, claims: { workspaceId: 'https://acme.com/tenant' } }, { scopeBy: 'organizationId' }, [
        { name: 'organizationId', type: 'uuid' },
      ]),
    );
    clean(r);
    assert.deepEqual(entity(r, 'Project').scope, { by: 'organizationId', claim: 'https://acme.com/tenant' });
    const other = importApsorc(tenants({ ...AUTH0, claims: { organizationId: 'tenant' } }, { scopeBy: 'workspaceId' }));
    clean(other);
    assert.deepEqual(entity(other, 'Project').scope, { by: 'workspace', claim: 'tenant' });
    assert.ok(!r.warnings.some((w) => /does not say which claim/.test(w.message)));
  });

  test('algorithms other than RS256 and ES256 are refused', () => {
    const r = importApsorc(tenants({ ...AUTH0, jwt: { ...AUTH0.jwt, algorithms: ['RS256', 'HS256'] } }));
    one(
      r.errors,
      '/auth/jwt/algorithms',
      /^algorithm the string "HS256" is not accepted: apso verifies tokens from a key set with RS256 and ES256 only \(HS256 needs a shared secret, AUTH_JWT_SECRET, and no provider\); remove "algorithms" or list only "RS256" and "ES256"$/,
    );
    clean(importApsorc(tenants({ ...AUTH0, jwt: { ...AUTH0.jwt, algorithms: ['ES256', 'RS256'] } })));
    one(
      importApsorc(tenants({ ...AUTH0, jwt: { ...AUTH0.jwt, algorithms: [] } })).errors,
      '/auth/jwt/algorithms',
      /must list RS256 or ES256/,
    );
  });

  test('the key set: an issuer that is no URL needs a jwksUri; a jwksUri must be an http(s) URL without credentials', () => {
    one(
      importApsorc(tenants({ provider: 'auth0', jwt: { issuer: 'acme', audience: 'api' } })).errors,
      '/auth/jwt/issuer',
      /^issuer "acme" is not an https:\/\/ URL, so the key set cannot be found under it; add "jwksUri"$/,
    );
    const r = importApsorc(
      tenants({ provider: 'auth0', jwt: { issuer: 'acme', audience: 'api', jwksUri: 'https://keys.acme.com/jwks' } }),
    );
    clean(r);
    assert.deepEqual(r.document.auth, {
      jwt: { issuer: 'acme', audience: 'api', jwksUrl: 'https://keys.acme.com/jwks' },
    });
    one(
      importApsorc(tenants({ ...AUTH0, jwt: { ...AUTH0.jwt, jwksUri: 'https://u:p@keys.acme.com/jwks' } })).errors,
      '/auth/jwt/jwksUri',
      /^"jwksUri" must be an https:\/\/ \(or http:\/\/\) URL without credentials, not the string/,
    );
  });

  test('without jwt, the environment must name the keys; placeholders and unknown options are pointed out', () => {
    const bare = importApsorc(tenants({ provider: 'auth0' }));
    clean(bare);
    assert.deepEqual(bare.document.auth, { jwt: {} });
    one(
      bare.warnings,
      '/auth',
      /^Auth0 without "jwt": the key set, issuer and audience must come from AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE$/,
    );
    const r = importApsorc(
      tenants({
        provider: 'auth0',
        jwt: { issuer: 'https://YOUR_TENANT.auth0.com/', audience: 'https://api.yourapp.com', leeway: 5 },
        userEntity: 'User',
        sessionEntity: 'session',
      }),
    );
    clean(r);
    one(
      r.warnings,
      '/auth/jwt/issuer',
      /^issuer "https:\/\/YOUR_TENANT.auth0.com\/" looks like a placeholder; write your Auth0 tenant's value$/,
    );
    one(r.warnings, '/auth/jwt/leeway', /^unknown jwt option "leeway" is ignored/);
    one(r.warnings, '/auth/userEntity', /^"userEntity" is ignored: apso trusts the token/);
    one(r.warnings, '/auth/sessionEntity', /^unknown auth option "sessionEntity" is ignored/);
  });

  test('a claim apso cannot read is refused', () => {
    one(
      importApsorc(tenants({ ...AUTH0, claims: { roles: 'my roles' } })).errors,
      '/auth/claims/roles',
      /^claim the string "my roles" cannot be read; name a claim/,
    );
  });
});

describe('auth: api-key and refused providers', () => {
  test("api-key: apso's apiKey in the same header, and a warning that keys come from AUTH_API_KEYS_FILE", () => {
    const r = importApsorc(tenants({ provider: 'api-key', apiKeyHeader: 'x-service-key', apiKeyEntity: 'ApiKey' }));
    clean(r);
    assert.deepEqual(r.document.auth, { apiKey: { header: 'x-service-key' } });
    one(
      r.warnings,
      '/auth',
      /^API keys are read from the "x-service-key" header, but apso checks them against the SHA-256 hashes in the file AUTH_API_KEYS_FILE names, each with the claims it grants, not against the APSO CLI's "ApiKey" table; write that file before the service starts \(docs\/auth.md#api-keys\)$/,
    );
    const plain = importApsorc(tenants({ provider: 'api-key' }, { scopeBy: 'workspaceId' }));
    model(plain);
    assert.deepEqual(plain.document.auth, { apiKey: { header: 'x-api-key' } });
    // A key grants claims by name in the key file: the CLI's context key is the claim.
    assert.deepEqual(entity(plain, 'Project').scope, { by: 'workspace', claim: 'workspaceId' });
    one(plain.warnings, '/entities/1/scopeBy', /each key in AUTH_API_KEYS_FILE must grant "workspaceId"/);
    one(
      importApsorc(tenants({ provider: 'api-key', apiKeyHeader: 'x api key' })).errors,
      '/auth/apiKeyHeader',
      /^"apiKeyHeader" must be a header name/,
    );
  });

  for (const provider of ['better-auth', 'custom-db-session']) {
    test(`${provider} is refused: it needs a session database; its scopes add no error of their own`, () => {
      const r = importApsorc(tenants({ provider }, { scopeBy: 'workspaceId' }));
      assert.deepEqual(r.errors, [
        {
          pointer: '/auth/provider',
          message: `the "${provider}" provider keeps sessions in the service's own database, which apso does not generate; use a token provider ("auth0", "clerk" or "cognito" with "jwt": { "issuer", "audience" }, or any provider that publishes a JWKS, such as Better Auth's jwt plugin) or "api-key"`,
        },
      ]);
      assert.equal(r.document.auth, undefined);
    });
  }

  test('an unknown or missing provider, and an auth that is no object, are refused', () => {
    one(
      importApsorc(tenants({ provider: 'auth-0' })).errors,
      '/auth/provider',
      /^unknown auth provider the string "auth-0"; did you mean "auth0"\?; use one of "auth0", "clerk", "cognito", "api-key"$/,
    );
    one(importApsorc(tenants({})).errors, '/auth/provider', /^"auth" has no "provider"; use one of/);
    one(importApsorc(tenants('auth0')).errors, '/auth', /^"auth" must be an object with a "provider"/);
  });
});

describe('scopeBy and scopeOptions', () => {
  test('scopeBy without auth is refused', () => {
    const r = importApsorc(tenants(undefined, { scopeBy: 'workspaceId' }));
    one(
      r.errors,
      '/entities/1/scopeBy',
      /^"scopeBy" needs a top-level "auth": the tenant is read from the caller's token; add "auth" with a token provider or "api-key"$/,
    );
    assert.equal(entity(r, 'Project').scope, undefined);
  });

  test('a path through a relation, and several scopes, are refused with what to add', () => {
    const path = importApsorc(tenants(AUTH0, { scopeBy: 'task.workspaceId' }));
    one(
      path.errors,
      '/entities/1/scopeBy',
      /^"task.workspaceId" scopes Project through its relation "task"; apso scopes by a column of the entity itself: give Project its own "workspaceId" \(a field, or a ManyToOne relationship\) kept equal to its task's, and scope by it$/,
    );
    const several = importApsorc(tenants(AUTH0, { scopeBy: ['workspaceId', 'userId'] }));
    one(several.errors, '/entities/1/scopeBy', /^"scopeBy" lists 2 scopes; apso scopes an entity by one column/);
    const listOfOne = importApsorc(tenants(AUTH0, { scopeBy: ['workspaceId'] }));
    clean(listOfOne);
    assert.deepEqual(entity(listOfOne, 'Project').scope, { by: 'workspace', claim: 'org_id' });
  });

  test('a field of the entity: as written, or the foreign-key field merged into its relation', () => {
    const field = importApsorc(tenants(AUTH0, { scopeBy: 'owner_id' }, [{ name: 'owner_id', type: 'text' }]));
    one(field.errors, '/entities/1/scopeBy', /"owner_id": the APSO CLI's auth context has no "owner_id"/);
    const userScoped = importApsorc(tenants(AUTH0, { scopeBy: 'userId' }, [{ name: 'userId', type: 'text' }]));
    model(userScoped);
    assert.deepEqual(entity(userScoped, 'Project').scope, { by: 'userId', claim: 'sub' });
    const merged = importApsorc(tenants(AUTH0, { scopeBy: 'workspaceId' }, [{ name: 'workspaceId', type: 'integer' }]));
    model(merged);
    assert.deepEqual(entity(merged, 'Project').scope, { by: 'workspace', claim: 'org_id' });
  });

  test('a context key the CLI does not have needs a claim in auth.claims', () => {
    const fields = [{ name: 'tenantId', type: 'uuid' }];
    one(
      importApsorc(tenants(AUTH0, { scopeBy: 'tenantId' }, fields)).errors,
      '/entities/1/scopeBy',
      /^"tenantId": the APSO CLI's auth context has no "tenantId" \(it has "userId", "email", "workspaceId", "organizationId"\), and "auth"."claims" does not name a claim for it; add "claims": \{ "tenantId": "<claim>" \}$/,
    );
    const named = importApsorc(tenants({ ...AUTH0, claims: { tenantId: 'tid' } }, { scopeBy: 'tenantId' }, fields));
    model(named);
    assert.deepEqual(entity(named, 'Project').scope, { by: 'tenantId', claim: 'tid' });
  });

  test('a scopeBy that names no column, or a column a claim cannot match, is refused', () => {
    one(
      importApsorc(tenants(AUTH0, { scopeBy: 'workspceId' })).errors,
      '/entities/1/scopeBy',
      /^Project has no field "workspceId" and no ManyToOne relationship whose foreign key it is; did you mean "workspaceId"\?; add the field, or a ManyToOne relationship to the tenant's entity$/,
    );
    one(
      importApsorc(tenants(AUTH0, { scopeBy: 'userId' }, [{ name: 'userId', type: 'boolean' }])).errors,
      '/entities/1/scopeBy',
      /^Project.userId is a boolean field; a scope compares a claim with a uuid, text or integer column$/,
    );
  });

  test('scopeOptions that loosened the CLI guard are reported; apso stays strict', () => {
    const r = importApsorc(
      tenants(AUTH0, {
        scopeBy: 'workspaceId',
        scopeOptions: { injectOnCreate: false, enforceOn: ['find', 'get'], bypassRoles: ['system_admin'], audit: true },
      }),
    );
    clean(r);
    assert.deepEqual(entity(r, 'Project').scope, { by: 'workspace', claim: 'org_id' });
    one(
      r.warnings,
      '/entities/1/scopeOptions/injectOnCreate',
      /^"injectOnCreate": false is not kept: apso always sets "workspaceId" from the token on create$/,
    );
    one(
      r.warnings,
      '/entities/1/scopeOptions/enforceOn',
      /^apso enforces the scope on every operation, which is stricter than "enforceOn": "create", "update", "delete" are scoped too$/,
    );
    one(
      r.warnings,
      '/entities/1/scopeOptions/bypassRoles',
      /^"bypassRoles" \("system_admin"\) are not honoured: in apso no role reads or writes across tenants; such callers need a token whose claim names the tenant they act on$/,
    );
    one(r.warnings, '/entities/1/scopeOptions/audit', /^unknown scope option "audit" is ignored/);
    const defaults = importApsorc(
      tenants(AUTH0, {
        scopeBy: 'workspaceId',
        scopeOptions: {
          injectOnCreate: true,
          enforceOn: ['find', 'get', 'create', 'update', 'delete'],
          bypassRoles: [],
        },
      }),
    );
    clean(defaults);
    assert.deepEqual(
      defaults.warnings.filter((w) => w.pointer.includes('scopeOptions')),
      [],
    );
  });

  test('malformed scopeOptions are refused, scopeOptions alone are ignored with a warning', () => {
    one(
      importApsorc(tenants(AUTH0, { scopeBy: 'workspaceId', scopeOptions: { enforceOn: ['list'] } })).errors,
      '/entities/1/scopeOptions/enforceOn',
      /^"enforceOn" must list operations among "find", "get", "create", "update", "delete", not an array$/,
    );
    one(
      importApsorc(tenants(AUTH0, { scopeBy: 'workspaceId', scopeOptions: { bypassRoles: 'admin' } })).errors,
      '/entities/1/scopeOptions/bypassRoles',
      /^"bypassRoles" must be a list of role names/,
    );
    one(
      importApsorc(tenants(AUTH0, { scopeOptions: {} })).warnings,
      '/entities/1/scopeOptions',
      /^"scopeOptions" without "scopeBy" has nothing to configure; ignored$/,
    );
  });
});
