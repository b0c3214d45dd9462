import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImportSet, objectLiteral, str } from './imports';

describe('ImportSet', () => {
  test('packages first, then relative paths, each sorted; names de-duplicated and sorted', () => {
    const imports = new ImportSet();
    const used = [
      imports.value('./b', 'Zeta'),
      imports.value('./b', 'Alpha'),
      imports.value('typeorm', 'Entity'),
      imports.value('typeorm', 'Column'),
      imports.value('typeorm', 'Entity'),
      imports.value('../a', 'Thing'),
      imports.value('@nestjs/common', 'Get'),
    ];
    assert.equal(
      imports.file(undefined, used.join(' ')),
      [
        "import { Get } from '@nestjs/common';",
        "import { Column, Entity } from 'typeorm';",
        "import { Thing } from '../a';",
        "import { Alpha, Zeta } from './b';",
        '',
        'Zeta Alpha Entity Column Entity Thing Get',
        '',
      ].join('\n'),
    );
  });

  test('type-only imports, and types beside values', () => {
    const imports = new ImportSet();
    const used = [
      imports.type('typeorm', 'Repository'),
      imports.value('./post.entity', 'POST_STATE_VALUES'),
      imports.type('./post.entity', 'PostState'),
      imports.type('./post.entity', 'Post'),
      imports.value('./post.entity', 'Post'),
    ];
    assert.equal(
      imports.file('// header', used.join(' ')),
      [
        '// header',
        '',
        "import type { Repository } from 'typeorm';",
        "import { Post, POST_STATE_VALUES, type PostState } from './post.entity';",
        '',
        'Repository POST_STATE_VALUES PostState Post Post',
        '',
      ].join('\n'),
    );
  });

  test('a clash between imports keeps the package name and aliases the project file, whatever the order', () => {
    const imports = new ImportSet();
    const entity = imports.value('./post.entity', 'Post');
    const decorator = imports.value('@nestjs/common', 'Post');
    assert.equal(
      imports.file(undefined, `@${decorator}() ${entity}`),
      [
        "import { Post } from '@nestjs/common';",
        "import { Post as PostEntity } from './post.entity';",
        '',
        '@Post() PostEntity',
        '',
      ].join('\n'),
    );
  });

  test('names the file declares are never renamed; an import of the same name is aliased after its source', () => {
    const imports = new ImportSet(['Column', 'ColumnEntity']);
    const decorator = imports.value('typeorm', 'Column');
    const other = imports.value('../column/column.entity', 'Column');
    assert.equal(
      imports.file(undefined, `@${decorator}() ${other} class Column {}`),
      [
        "import { Column as TypeormColumn } from 'typeorm';",
        "import { Column as ColumnEntity2 } from '../column/column.entity';",
        '',
        '@TypeormColumn() ColumnEntity2 class Column {}',
        '',
      ].join('\n'),
    );
  });

  test('a reference is only valid in the file whose imports made it', () => {
    const other = new ImportSet().value('typeorm', 'Entity');
    assert.throws(() => new ImportSet().file(undefined, `@${other}()`), /imported for another file/);
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
