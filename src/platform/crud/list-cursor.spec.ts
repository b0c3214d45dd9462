import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cursorProblem, decodeCursor, encodeCursor } from './list-cursor';
import { SortKey } from './sort-order';
import { resourceDefinition } from '../../../test/support/resource-definition';

const NOTES = resourceDefinition({
  name: 'notes',
  sortable: ['title', 'rank'],
  filterable: { id: { type: 'uuid' }, title: { type: 'string' }, rank: { type: 'integer' } },
  readable: ['id', 'title', 'rank'],
});
const ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const BY_TITLE: SortKey[] = [
  { property: 'title', direction: 'DESC' },
  { property: 'id', direction: 'ASC' },
];

/** The field a refused cursor is reported under, or undefined when it is accepted. */
function refusal(cursor: string, order: readonly SortKey[] = BY_TITLE): string | undefined {
  try {
    decodeCursor(NOTES, order, undefined, cursor);
    return undefined;
  } catch (error) {
    return (error as { getResponse(): { fields: { field: string }[] } }).getResponse().fields[0].field;
  }
}

describe('list cursors', () => {
  test('a cursor the API made decodes to the values it holds, however long a text value is', () => {
    for (const title of ['a', 'x'.repeat(3_000), 'ünïcødé, "quoted"', null]) {
      assert.deepEqual(decodeCursor(NOTES, BY_TITLE, undefined, encodeCursor(BY_TITLE, undefined, [title, ID])), [
        title,
        ID,
      ]);
    }
  });

  test('a cursor for another order, malformed, or with ill-typed values is refused naming cursor', () => {
    const byRank: SortKey[] = [
      { property: 'rank', direction: 'ASC' },
      { property: 'id', direction: 'ASC' },
    ];
    assert.equal(refusal(encodeCursor(byRank, undefined, ['1', ID])), 'cursor');
    assert.equal(refusal('not base64 json'), 'cursor');
    assert.equal(refusal(Buffer.from('{"sort":"-title,id"}').toString('base64url')), 'cursor');
    const { filter } = JSON.parse(Buffer.from(encodeCursor(BY_TITLE, undefined, []), 'base64url').toString('utf8'));
    const noAfter = Buffer.from(JSON.stringify({ sort: '-title,id', filter })).toString('base64url');
    assert.equal(refusal(noAfter), 'cursor');
    assert.equal(refusal(encodeCursor(BY_TITLE, undefined, ['a', 'not-a-uuid'])), 'cursor');
    assert.equal(refusal(encodeCursor(byRank, undefined, ['1.5', ID]), byRank), 'cursor');
    assert.equal(refusal(encodeCursor(byRank, undefined, ['7', ID]), byRank), undefined);
  });

  test('a cursor continues only the filter it was made with, however its conditions are ordered', () => {
    const filter = { title: { eq: 'a' }, rank: { in: ['1', '2'] } };
    const cursor = encodeCursor(BY_TITLE, filter, ['a', ID]);
    const reordered = { rank: { in: ['1', '2'] }, title: { eq: 'a' } };
    assert.deepEqual(decodeCursor(NOTES, BY_TITLE, reordered, cursor), ['a', ID]);
    for (const other of [undefined, { title: { eq: 'b' } }, { ...filter, id: { null: 'false' } }]) {
      assert.throws(() => decodeCursor(NOTES, BY_TITLE, other, cursor), /Invalid fields: cursor/);
    }
    assert.equal(cursorProblem(cursor, '-title,id', reordered), undefined);
    assert.match(cursorProblem(cursor, '-title,id', undefined) ?? '', /another filter/);
    assert.match(cursorProblem(cursor, 'title,id', filter) ?? '', /continues the order sort=-title,id/);
  });
});
