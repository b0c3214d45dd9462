import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImportSet, objectLiteral, str } from './imports';

describe('ImportSet', () => {
  test('packages first, then relative paths, each sorted; names de-duplicated and sorted', () => {
    const imports = new ImportSet()
      .add('./b', 'Zeta', 'Alpha')
      .add('typeorm', 'Entity', 'Column', 'Entity')
      .add('../a', 'Thing')
      .add('@nestjs/common', 'Get');
    assert.equal(
      imports.render(),
      [
        "import { Get } from '@nestjs/common';",
        "import { Column, Entity } from 'typeorm';",
        "import { Thing } from '../a';",
        "import { Alpha, Zeta } from './b';",
      ].join('\n'),
    );
  });

  test('type-only imports, mixed imports and aliases', () => {
    const imports = new ImportSet()
      .addType('typeorm', 'Repository')
      .add('./post.entity', 'POST_STATE_VALUES')
      .addType('./post.entity', 'PostState')
      .addAs('./post.entity', 'Post', 'PostEntity');
    assert.equal(
      imports.render(),
      [
        "import type { Repository } from 'typeorm';",
        "import { Post as PostEntity, POST_STATE_VALUES, type PostState } from './post.entity';",
      ].join('\n'),
    );
  });
});

describe('literals', () => {
  test('strings are escaped; undefined entries are left out of objects', () => {
    assert.equal(str("it's \\ here"), "'it\\'s \\\\ here'");
    assert.equal(
      objectLiteral({ name: "'x'", skipped: undefined, 'needs-quotes': 'true' }),
      "{ name: 'x', 'needs-quotes': true }",
    );
    assert.equal(objectLiteral({}), '{}');
  });
});
