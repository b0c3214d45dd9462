import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildModel } from '../../model/build';
import type { SchemaDocument } from '../../schema/document';
import { validateDocument } from '../../validate/validate';
import { renderResource } from './crud';

/** Authors (cached) write books (cached, self-referencing sequels, tagged by uncached genres). */
function library(
  access: Pick<SchemaDocument, 'auth'> & { authorAccess?: SchemaDocument['entities'][number]['access'] } = {},
) {
  const document: SchemaDocument = {
    ...(access.auth ? { auth: access.auth } : {}),
    entities: [
      { name: 'Author', fields: [{ name: 'name', type: 'string', length: 100 }], access: access.authorAccess },
      {
        name: 'Book',
        fields: [{ name: 'title', type: 'string', length: 100 }],
        relationships: [
          { name: 'author', type: 'ManyToOne', target: 'Author', inverse: 'books', onDelete: 'CASCADE' },
          { name: 'prequel', type: 'ManyToOne', target: 'Book', nullable: true, onDelete: 'SET NULL' },
          { name: 'genres', type: 'ManyToMany', target: 'Genre', joinTable: 'book_genres' },
        ],
      },
      { name: 'Genre', cache: false, fields: [{ name: 'name', type: 'string', length: 50 }] },
    ],
  };
  const validated = validateDocument(document);
  assert.deepEqual(validated.diagnostics, []);
  const model = buildModel(validated.document!);
  const resource = (name: string) =>
    renderResource(
      model,
      model.entities.find((entity) => entity.names.className === name)!,
    );
  return { resource };
}

describe('what the resource definition tells the runtime about includes', () => {
  test('without auth every relation is includable, its target named lazily, without importing its own file', () => {
    const book = library().resource('Book');
    assert.match(book, /\{ name: 'author', kind: 'ManyToOne', target: \(\) => AUTHOR_RESOURCE, includable: true \}/);
    assert.match(book, /\{ name: 'prequel', kind: 'ManyToOne', target: \(\) => BOOK_RESOURCE, includable: true \}/);
    assert.match(book, /\{ name: 'genres', kind: 'ManyToMany', target: \(\) => GENRE_RESOURCE, includable: true \}/);
    assert.match(book, /import \{ AUTHOR_RESOURCE \} from '\.\.\/\.\.\/author\/generated\/author\.resource';/);
    assert.doesNotMatch(book, /from '\.\/book\.resource'/);
    assert.match(
      library().resource('Author'),
      /\{ name: 'books', kind: 'OneToMany', target: \(\) => BOOK_RESOURCE, includable: true \}/,
    );
  });

  test("a relation whose target's rules are stricter than the reads is kept for scoping, but not includable", () => {
    const book = library({
      auth: {},
      authorAccess: { list: { roles: ['staff'] }, read: { roles: ['staff'] } },
    }).resource('Book');
    assert.match(book, /\{ name: 'author', kind: 'ManyToOne', target: \(\) => AUTHOR_RESOURCE, includable: false \}/);
    assert.match(book, /\{ name: 'genres', kind: 'ManyToMany', target: \(\) => GENRE_RESOURCE, includable: true \}/);
  });

  test('the id set is readable and filterable by the target key type', () => {
    const book = library().resource('Book');
    assert.match(book, /readable: \[[^\]]*'updatedAt', 'genreIds'\]/);
    assert.match(book, /genreIds: \{ type: 'uuid' \}/);
  });

  test('embeddedIn lists the cached resources with a relation to it; a delete adds those of what it cascades into', () => {
    const { resource } = library();
    assert.match(resource('Genre'), /embeddedIn: \['books'\]/);
    assert.match(resource('Book'), /embeddedIn: \['authors', 'books'\]/);
    assert.match(resource('Author'), /embeddedIn: \['books'\]/);
    // Deleting an author deletes its books, which authors and books embed.
    assert.match(resource('Author'), /deleteAlsoChanges: \['books'\]/);
    assert.match(resource('Author'), /deleteAlsoChangesEmbeddedIn: \['authors', 'books'\]/);
  });
});
