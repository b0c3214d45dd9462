import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDiagnostic } from '../validate/diagnostic';
import { validateDocument } from '../validate/validate';
import type { EntitySpec, SchemaDocument } from '../schema/document';
import { buildModel } from './build';

const problems = (document: unknown): string[] =>
  validateDocument(document).diagnostics.map((diagnostic) => formatDiagnostic('schema.apso.json', diagnostic));

const tenants: SchemaDocument = {
  auth: {},
  entities: [
    {
      name: 'Organization',
      relationships: [{ name: 'projects', type: 'OneToMany', target: 'Project', inverse: 'organization' }],
    },
    {
      name: 'Project',
      scope: { by: 'organization', claim: 'org_id' },
      fields: [{ name: 'name', type: 'string' }],
    },
    { name: 'Note', scope: { by: 'ownerSub', claim: 'sub' }, fields: [{ name: 'ownerSub', type: 'string' }] },
    {
      name: 'Counter',
      primaryKey: 'integer',
      scope: { by: 'accountNumber', claim: 'https://example.com/account' },
      fields: [{ name: 'accountNumber', type: 'bigint' }],
    },
  ],
};

describe('row scoping in the model', () => {
  test('a relation scopes by its foreign key, a field by itself; the claim type follows the column', () => {
    const scopes = Object.fromEntries(
      buildModel(tenants).entities.map((entity) => [entity.names.className, entity.scope]),
    );
    assert.deepEqual(scopes, {
      Counter: {
        property: 'accountNumber',
        column: 'account_number',
        claim: 'https://example.com/account',
        type: 'integer',
      },
      Note: { property: 'ownerSub', column: 'owner_sub', claim: 'sub', type: 'string' },
      Organization: null,
      Project: {
        property: 'organizationId',
        column: 'organization_id',
        claim: 'org_id',
        type: 'uuid',
        relation: 'organization',
      },
    });
  });

  test('a valid document has no problem', () => {
    assert.deepEqual(problems(tenants), []);
  });
});

describe('row scoping in the schema', () => {
  test('scope without a top-level auth is an error at the scope', () => {
    const { auth: _auth, ...withoutAuth } = tenants;
    assert.deepEqual(problems(withoutAuth), [
      'schema.apso.json: /entities/1/scope: row scoping needs a top-level "auth" (e.g. "auth": { "jwt": {} }): the claim comes from a token',
      'schema.apso.json: /entities/2/scope: row scoping needs a top-level "auth" (e.g. "auth": { "jwt": {} }): the claim comes from a token',
      'schema.apso.json: /entities/3/scope: row scoping needs a top-level "auth" (e.g. "auth": { "jwt": {} }): the claim comes from a token',
    ]);
  });

  test('by must name a scalar field or a relation holding a foreign key, and names what there is', () => {
    const found = problems({
      auth: {},
      entities: [
        {
          name: 'Organization',
          scope: { by: 'projects', claim: 'org_id' },
          relationships: [{ name: 'projects', type: 'OneToMany', target: 'Project', inverse: 'organization' }],
        },
        { name: 'Project', scope: { by: 'owner', claim: 'sub' }, fields: [{ name: 'name', type: 'string' }] },
        { name: 'Note', scope: { by: 'meta', claim: 'sub' }, fields: [{ name: 'meta', type: 'jsonb' }] },
        {
          name: 'Memo',
          scope: { by: 'ownerSub', claim: 'sub' },
          fields: [{ name: 'ownerSub', type: 'string', hidden: true, nullable: true }],
        },
      ],
    });
    assert.deepEqual(found, [
      'schema.apso.json: /entities/0/scope/by: projects is a OneToMany relation without a foreign key on Organization; scope by a many-to-one (or owning one-to-one) relation or a field',
      'schema.apso.json: /entities/1/scope/by: Project has no field or many-to-one relation owner (it has: name, organization)',
      'schema.apso.json: /entities/2/scope/by: meta is a jsonb field; a scope compares a claim with a uuid, string, email, text or integer column',
      'schema.apso.json: /entities/3/scope/by: ownerSub is hidden; a scope column must be readable, since the service checks it on every row it loads',
    ]);
  });

  test('a scoped entity cannot have a public rule, whose requests carry no claim', () => {
    const found = problems({
      auth: {},
      entities: [
        {
          name: 'Note',
          scope: { by: 'ownerSub', claim: 'sub' },
          access: { read: 'public', list: 'authenticated' },
          fields: [{ name: 'ownerSub', type: 'string' }],
        },
      ],
    });
    assert.deepEqual(found, [
      'schema.apso.json: /entities/0/access/read: Note is scoped by ownerSub, so read cannot be public: an anonymous request has no sub claim',
    ]);
  });

  test('the claim must be a claim name or a dotted path; unknown scope keys are refused', () => {
    const found = problems({
      auth: {},
      entities: [
        {
          name: 'Note',
          scope: { by: 'ownerSub', claim: 'a b', column: 'x' },
          fields: [{ name: 'ownerSub', type: 'string' }],
        },
      ],
    });
    assert.equal(found.length, 3);
    assert.match(found.join('\n'), /\/entities\/0\/scope: must be false or \{ "by"/);
    assert.match(found.join('\n'), /\/entities\/0\/scope\/claim/);
    assert.match(found.join('\n'), /\/entities\/0\/scope\/column: unknown property "column"/);
  });

  test('an unscoped entity whose rows belong to scoped rows is refused, naming both ways out', () => {
    const comment = (extra: Partial<EntitySpec>): EntitySpec => ({
      name: 'Comment',
      fields: [{ name: 'body', type: 'text' }],
      relationships: [{ name: 'project', type: 'ManyToOne', target: 'Project', nullable: false }],
      ...extra,
    });
    const found = problems({ ...tenants, entities: [...tenants.entities, comment({})] });
    assert.deepEqual(found, [
      'schema.apso.json: /entities/4: Comment belongs to Project (relation project), whose rows are scoped by the org_id claim, but Comment has no scope, so every caller would see every tenant\'s rows of it. Scope it too ("scope": { "by": "…", "claim": "org_id" }, by a relation or field holding the same tenant or owner), or set "scope": false if its rows are shared on purpose',
    ]);
    assert.deepEqual(problems({ ...tenants, entities: [...tenants.entities, comment({ scope: false })] }), []);
    const scopedComment = comment({
      scope: { by: 'author', claim: 'sub' },
      relationships: [
        { name: 'project', type: 'ManyToOne', target: 'Project', nullable: false },
        { name: 'author', type: 'ManyToOne', target: 'Organization' },
      ],
    });
    assert.deepEqual(problems({ ...tenants, entities: [...tenants.entities, scopedComment] }), []);
    assert.equal(
      buildModel({ ...tenants, entities: [...tenants.entities, comment({ scope: false })] }).entities.find(
        (entity) => entity.names.className === 'Comment',
      )!.scope,
      null,
    );
  });

  test('an entity that scoped rows point at is not itself refused: a parent is shared by its children', () => {
    assert.deepEqual(problems(tenants), []);
  });
});
