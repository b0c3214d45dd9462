import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCursor, encodeCursor } from './list-cursor';
import { ResourceDefinition } from './resource';
import { SortKey } from './sort-order';

const NOTES: ResourceDefinition = {
  name: 'notes',
  sortable: ['title', 'rank'],
  filterable: { id: { type: 'uuid' }, title: { type: 'string' }, rank: { type: 'integer' } },
  nullableFields: [],
  relationIds: [],
  readable: ['id', 'title', 'rank'],
  relations: [],
  embeddedIn: [],
  deleteAlsoChanges: [],
  filteredFrom: [],
  deleteAlsoChangesEmbeddedIn: [],
  softDelete: false,
  versioned: false,
  cache: null,
};
const ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const BY_TITLE: SortKey[] = [
  { property: 'title', direction: 'DESC' },
  { property: 'id', direction: 'ASC' },
];

/** The field a refused cursor is reported under, or undefined when it is accepted. */
function refusal(cursor: string, order: readonly SortKey[] = BY_TITLE): string | undefined {
  try {
    decodeCursor(NOTES, order, cursor);
    return undefined;
  } catch (error) {
    return (error as { getResponse(): { fields: { field: string }[] } }).getResponse().fields[0].field;
  }
}

describe('list cursors', () => {
  test('a cursor the API made decodes to the values it holds, however long a text value is', () => {
    for (const title of ['a', 'x'.repeat(3_000), 'ünïcødé, "quoted"', null]) {
      assert.deepEqual(decodeCursor(NOTES, BY_TITLE, encodeCursor(BY_TITLE, [title, ID])), [title, ID]);
    }
  });

  test('a cursor for another order, malformed, or with ill-typed values is refused naming cursor', () => {
    const byRank: SortKey[] = [
      { property: 'rank', direction: 'ASC' },
      { property: 'id', direction: 'ASC' },
    ];
    assert.equal(refusal(encodeCursor(byRank, ['1', ID])), 'cursor');
    assert.equal(refusal('not base64 json'), 'cursor');
    assert.equal(refusal(Buffer.from('{"sort":"-title,id"}').toString('base64url')), 'cursor');
    assert.equal(refusal(encodeCursor(BY_TITLE, ['a', 'not-a-uuid'])), 'cursor');
    assert.equal(refusal(encodeCursor(byRank, ['1.5', ID]), byRank), 'cursor');
    assert.equal(refusal(encodeCursor(byRank, ['7', ID]), byRank), undefined);
  });
});
