import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SchemaDocument } from '../../schema/document';
import { SCAFFOLD_ARTIFACT, withLines } from './scaffold';
import { contextOf } from '../spec-support';

describe('the project scaffold', () => {
  test('an existing .gitignore gains the API keys files when the schema turns keys on, and keeps what it had', () => {
    const document: SchemaDocument = {
      name: 'keys',
      auth: { jwt: {}, apiKey: {} },
      entities: [{ name: 'Note', fields: [{ name: 'body', type: 'text' }] }],
    };
    const context = contextOf(document);
    const gitignore = SCAFFOLD_ARTIFACT.files(context).find((file) => file.path === '.gitignore')!;
    const before = 'node_modules/\ndist/\n# mine\n.env\nk8s/secrets.env\nk8s/pgbouncer-userlist.txt';
    assert.equal(gitignore.merge!(before), `${before}\nk8s/api-keys\napi-keys.json\n`);
    assert.equal(gitignore.merge!(gitignore.merge!(before)), gitignore.merge!(before), 'a second run changes nothing');
  });

  test('withLines adds only what is missing, whatever the line endings', () => {
    assert.equal(withLines('a\r\nb\r\n', ['b', 'c']), 'a\r\nb\r\nc\n');
    assert.equal(withLines('', ['x']), 'x\n');
    assert.equal(withLines('x\n', ['x']), 'x\n');
  });
});
