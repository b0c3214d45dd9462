import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildModel } from '../../model/build';
import type { SchemaDocument } from '../../schema/document';
import { validateDocument } from '../../validate/validate';
import { renderControllerBase, renderDto, renderResource } from './crud';
import { renderEntity } from './entity';

/** Accounts with a write-only webhook secret and a hidden password hash; members embed their account. */
function accounts() {
  const document: SchemaDocument = {
    entities: [
      {
        name: 'Account',
        fields: [
          { name: 'name', type: 'string', length: 100 },
          { name: 'webhookSecret', type: 'string', length: 64, nullable: true, writeOnly: true },
          { name: 'passwordHash', type: 'string', nullable: true, hidden: true },
        ],
      },
      {
        name: 'Member',
        fields: [{ name: 'email', type: 'email' }],
        relationships: [{ name: 'account', type: 'ManyToOne', target: 'Account', inverse: 'members' }],
      },
    ],
  };
  const validated = validateDocument(document);
  assert.deepEqual(validated.diagnostics, []);
  const model = buildModel(validated.document!);
  const entity = (name: string) => model.entities.find((candidate) => candidate.names.className === name)!;
  return {
    resource: (name: string) => renderResource(model, entity(name)),
    dto: (name: string) => renderDto(entity(name), model),
    entity: (name: string) => renderEntity(entity(name), model),
    controller: (name: string) => renderControllerBase(model, entity(name)),
  };
}

/** The text of `export class <name> … }` in a generated file. */
function classBlock(source: string, name: string): string {
  const start = source.indexOf(`export class ${name} `);
  assert.ok(start >= 0, `${name} is declared`);
  return source.slice(start, source.indexOf('\n}', start));
}

describe('write-only and hidden fields in the generated code', () => {
  test('neither is in the resource whitelists: readable, sortable, filterable; PUT keeps a write-only one', () => {
    const account = accounts().resource('Account');
    const list = (key: string) => account.match(new RegExp(`${key}: (\\[[^\\]]*\\]|\\{[^}]*\\})`))?.[1];
    assert.equal(list('readable'), "['id', 'name', 'createdAt', 'updatedAt']");
    assert.equal(list('sortable'), "['id', 'name', 'createdAt', 'updatedAt']");
    assert.equal(list('nullableFields'), '[]');
    assert.doesNotMatch(
      account.slice(account.indexOf('filterable:'), account.indexOf('nullableFields')),
      /Secret|Hash/,
    );
  });

  test('both columns are select: false, and the entity documents no OpenAPI schema', () => {
    const entity = accounts().entity('Account');
    assert.match(entity, /@Column\(\{ name: 'webhook_secret', [^)]*select: false \}\)/);
    assert.match(entity, /@Column\(\{ name: 'password_hash', [^)]*select: false \}\)/);
    assert.doesNotMatch(entity, /select: false \}\)\n {2}name!/);
    assert.doesNotMatch(entity, /@nestjs\/swagger/);
  });

  test('the create body takes the write-only field, marked writeOnly, and not the hidden one', () => {
    const dto = accounts().dto('Account');
    const create = classBlock(dto, 'CreateAccountDto');
    assert.match(create, /writeOnly: true,?\s[^]*webhookSecret\?: string \| null;/);
    assert.doesNotMatch(create, /passwordHash/);
  });

  test('the response class has only readable properties, is named after the entity, and embeds response classes', () => {
    const { dto, controller } = accounts();
    const account = classBlock(dto('Account'), 'AccountResponse');
    assert.doesNotMatch(account, /webhookSecret|passwordHash/);
    assert.match(account, /name!: string;/);
    assert.match(dto('Account'), /@ApiSchema\(\{ name: 'Account' \}\)\nexport class AccountResponse/);
    assert.match(classBlock(dto('Member'), 'MemberResponse'), /type: \(\) => AccountResponse/);
    assert.match(classBlock(dto('Account'), 'AccountPage'), /data!: AccountResponse\[\];/);
    assert.match(classBlock(dto('Account'), 'AccountBatch'), /data!: AccountResponse\[\];/);
    const routes = controller('Account');
    assert.doesNotMatch(routes, /type: Account \}|Promise<Account>/);
    assert.match(routes, /@ApiOkResponse\(\{ type: AccountResponse \}\)/);
    assert.match(routes, /@ApiCreatedResponse\(\{ type: AccountResponse \}\)/);
  });
});
