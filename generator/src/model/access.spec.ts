import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDiagnostic } from '../validate/diagnostic';
import { validateDocument } from '../validate/validate';
import type { SchemaDocument } from '../schema/document';
import { ACTION_OF_OPERATION, mayReadThrough, ruleCovers } from './access';
import { buildModel } from './build';
import type { AccessRule, OperationName } from './types';

const rules = (document: SchemaDocument, entity = 'Note'): Record<string, AccessRule | null> => {
  const found = buildModel(document).entities.find((candidate) => candidate.names.className === entity);
  assert.ok(found);
  return Object.fromEntries(found.operations.map((operation) => [operation.name, operation.access]));
};

const problems = (document: unknown): string[] =>
  validateDocument(document).diagnostics.map((diagnostic) => formatDiagnostic('schema.apso.json', diagnostic));

describe('access rules in the model', () => {
  test('without auth no operation carries a rule, and the model has no auth', () => {
    const document: SchemaDocument = { entities: [{ name: 'Note', softDelete: true }] };
    assert.equal(buildModel(document).auth, null);
    assert.ok(Object.values(rules(document)).every((rule) => rule === null));
  });

  test('each access key governs its operations; soft-delete routes follow list and update', () => {
    const document: SchemaDocument = {
      auth: {},
      entities: [
        {
          name: 'Note',
          softDelete: true,
          access: {
            list: 'public',
            read: 'authenticated',
            create: { roles: ['editor'] },
            update: { roles: ['a', 'b'] },
          },
        },
      ],
    };
    assert.deepEqual(rules(document), {
      list: 'public',
      listDeleted: 'public',
      get: 'authenticated',
      create: { roles: ['editor'] },
      createMany: { roles: ['editor'] },
      update: { roles: ['a', 'b'] },
      replace: { roles: ['a', 'b'] },
      restore: { roles: ['a', 'b'] },
      // No delete rule: fails closed.
      remove: 'authenticated',
      removeMany: 'authenticated',
    });
  });

  test('with auth and no access at all, every operation is authenticated; the jwt defaults apply', () => {
    const document: SchemaDocument = { auth: {}, entities: [{ name: 'Note' }] };
    assert.ok(Object.values(rules(document)).every((rule) => rule === 'authenticated'));
    assert.deepEqual(buildModel(document).auth, {
      jwt: { rolesClaim: 'roles', clockToleranceSeconds: 30 },
      apiKey: null,
    });
  });

  test('auth.apiKey: the header defaults to x-api-key and is kept in lowercase, as Node hands headers over', () => {
    const apiKey = (spec: object) => buildModel({ auth: { apiKey: spec }, entities: [{ name: 'Note' }] }).auth?.apiKey;
    assert.deepEqual(apiKey({}), { header: 'x-api-key' });
    assert.deepEqual(apiKey({ header: 'X-Service-Key' }), { header: 'x-service-key' });
  });

  test('every operation name has an access key', () => {
    const names: OperationName[] = buildModel({
      auth: {},
      entities: [{ name: 'Note', softDelete: true }],
    }).entities[0].operations.map((operation) => operation.name);
    assert.deepEqual(
      names.filter((name) => !(name in ACTION_OF_OPERATION)),
      [],
    );
  });
});

describe('auth and access in the schema', () => {
  test('access without a top-level auth is an error at the entity', () => {
    assert.deepEqual(problems({ entities: [{ name: 'Note' }, { name: 'Tag', access: { list: 'public' } }] }), [
      'schema.apso.json: /entities/1/access: access rules need a top-level "auth" (e.g. "auth": { "jwt": {} }): without it every route is public',
    ]);
  });

  test('a rule is public, authenticated or a non-empty list of roles; unknown keys are refused', () => {
    const found = problems({
      auth: { jwt: { rolesClaim: 'realm_access.roles', clockToleranceSeconds: 5 } },
      entities: [
        { name: 'Note', access: { list: 'anyone', read: { roles: [] }, remove: 'public' } },
        { name: 'Tag', access: { list: { roles: ['admin', 'any string'] }, delete: 'public' } },
      ],
    });
    assert.deepEqual(found, [
      'schema.apso.json: /entities/0/access/list: must be "public", "authenticated" or { "roles": [...] } naming at least one role',
      'schema.apso.json: /entities/0/access/read: must be "public", "authenticated" or { "roles": [...] } naming at least one role',
      'schema.apso.json: /entities/0/access/read/roles: must have at least 1 item(s)',
      'schema.apso.json: /entities/0/access/remove: unknown property "remove"',
    ]);
  });

  test('a roles claim must be a claim name or a dotted path', () => {
    const found = problems({ auth: { jwt: { rolesClaim: 'realm access..roles' } }, entities: [{ name: 'Note' }] });
    assert.equal(found.length, 1);
    assert.match(found[0], /\/auth\/jwt\/rolesClaim/);
  });

  test('issuer, audience and an http(s) jwksUrl are carried to the model; a URL with credentials is refused', () => {
    const jwt = {
      issuer: 'https://tenant.eu.auth0.com/',
      audience: 'https://api.example.com',
      jwksUrl: 'https://tenant.eu.auth0.com/.well-known/jwks.json',
    };
    const validated = validateDocument({ auth: { jwt }, entities: [{ name: 'Note' }] });
    assert.deepEqual(validated.diagnostics, []);
    assert.deepEqual(buildModel(validated.document!).auth, {
      jwt: { rolesClaim: 'roles', clockToleranceSeconds: 30, ...jwt },
      apiKey: null,
    });
    for (const jwksUrl of ['ftp://id.example.com/jwks', 'https://user:pw@id.example.com/jwks', 'id.example.com/jwks']) {
      const found = problems({ auth: { jwt: { jwksUrl } }, entities: [{ name: 'Note' }] });
      assert.equal(found.length, 1, jwksUrl);
      assert.match(found[0], /\/auth\/jwt\/jwksUrl/);
    }
    assert.match(problems({ auth: { jwt: { issuer: '' } }, entities: [{ name: 'Note' }] })[0], /\/auth\/jwt\/issuer/);
  });
});

describe('reading through a relation', () => {
  test('a rule covers another when it admits every caller the other admits', () => {
    const admin = { roles: ['admin'] };
    const staff = { roles: ['admin', 'editor'] };
    const cases: [Parameters<typeof ruleCovers>, boolean][] = [
      [[null, null], true],
      [['public', 'authenticated'], true],
      [['authenticated', 'public'], false],
      [['authenticated', admin], true],
      [[admin, 'authenticated'], false],
      [[staff, admin], true],
      [[admin, staff], false],
      [[admin, 'public'], false],
    ];
    for (const [[target, source], covers] of cases)
      assert.equal(ruleCovers(target, source), covers, `${JSON.stringify(target)} over ${JSON.stringify(source)}`);
  });

  test("an include is open only when the target's list and read rules admit whoever reads the source", () => {
    const model = buildModel({
      auth: {},
      entities: [
        { name: 'Org', access: { list: { roles: ['root'] }, read: { roles: ['root'] } } },
        { name: 'Project', relationships: [{ name: 'org', type: 'ManyToOne', target: 'Org' }] },
        { name: 'Tag', access: { list: 'public', read: 'authenticated' } },
        { name: 'Label', access: { list: 'public', read: 'public' } },
      ],
    });
    const entity = (name: string) => model.entities.find((candidate) => candidate.names.className === name)!;
    assert.equal(mayReadThrough(entity('Project'), entity('Org')), false);
    assert.equal(mayReadThrough(entity('Org'), entity('Project')), true);
    assert.equal(
      mayReadThrough(entity('Tag'), entity('Project')),
      false,
      'a public list cannot embed what needs a token',
    );
    assert.equal(mayReadThrough(entity('Project'), entity('Label')), true);
    const withoutAuth = buildModel({ entities: [{ name: 'A' }, { name: 'B' }] });
    assert.equal(mayReadThrough(withoutAuth.entities[0], withoutAuth.entities[1]), true);
  });
});
