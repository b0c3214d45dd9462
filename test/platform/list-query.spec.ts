import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Client } from 'pg';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { http } from '../support/http';
import { assertProblem } from '../support/problem';

const REDIS_DATABASE = 13;
const CURSOR_REDIS_DATABASE = 2;

interface Part {
  id: string;
  name: string;
  quantity: number | null;
  kind: string | null;
  fragile: boolean | null;
  shippedAt: string | null;
  widgetId: string;
}

/** `[['filter[name][eq]', 'a%b']]` -> `?filter[name][eq]=a%25b`: keys keep their brackets, values are encoded. */
function query(pairs: readonly (readonly [string, string])[]): string {
  return `?${pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`;
}

describe('list filters over HTTP (real Postgres and Redis)', () => {
  let fixture: FixtureApp;
  const call = <T = any>(method: string, path: string, body?: unknown) => http<T>(fixture.baseUrl, method, path, body);
  const parts: Part[] = [];
  let gears: { id: string; name: string };
  let bolts: { id: string; name: string };

  /** The names of the parts a filtered list returns, in id order (the default sort). */
  async function names(pairs: readonly (readonly [string, string])[]): Promise<string[]> {
    const answer = await call<{ data: Part[] }>('GET', `/parts${query([...pairs, ['limit', '100']])}`);
    assert.equal(answer.status, 200, answer.text);
    return answer.body.data.map((part) => part.name).sort();
  }

  /** The names of the parts that `keep` selects, computed here from what was created. */
  function expected(keep: (part: Part) => boolean): string[] {
    return parts
      .filter(keep)
      .map((part) => part.name)
      .sort();
  }

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE);
    gears = (await call('POST', '/widgets', { name: 'Gearbox' })).body;
    bolts = (await call('POST', '/widgets', { name: 'bolt bin' })).body;
    const rows = [
      {
        name: 'alpha',
        quantity: 1,
        kind: 'bolt',
        fragile: true,
        shippedAt: '2024-01-01T00:00:00Z',
        widgetId: gears.id,
      },
      {
        name: 'Alpine',
        quantity: 5,
        kind: 'nut',
        fragile: false,
        shippedAt: '2024-02-01T00:00:00Z',
        widgetId: gears.id,
      },
      { name: 'beta', quantity: 10, kind: 'gear', fragile: null, shippedAt: null, widgetId: bolts.id },
      {
        name: '50% off',
        quantity: null,
        kind: null,
        fragile: true,
        shippedAt: '2024-03-01T00:00:00Z',
        widgetId: bolts.id,
      },
      { name: '50 pieces', quantity: 50, kind: 'bolt', fragile: false, shippedAt: null, widgetId: bolts.id },
      { name: 'snake_case', quantity: -3, kind: 'nut', fragile: null, shippedAt: null, widgetId: gears.id },
      { name: 'snakeXcase', quantity: 7, kind: 'gear', fragile: true, shippedAt: null, widgetId: gears.id },
      { name: 'back\\slash', quantity: 0, kind: null, fragile: false, shippedAt: null, widgetId: bolts.id },
    ];
    for (const row of rows) {
      const created = await call<Part>('POST', '/parts', row);
      assert.equal(created.status, 201, created.text);
      parts.push(created.body);
    }
  });

  after(async () => {
    await fixture?.close();
  });

  test('each comparison operator selects exactly the rows it says', async () => {
    const q = (p: Part) => p.quantity;
    assert.deepEqual(
      await names([['filter[quantity][eq]', '5']]),
      expected((p) => q(p) === 5),
    );
    assert.deepEqual(
      await names([['filter[quantity][ne]', '5']]),
      expected((p) => q(p) !== null && q(p) !== 5),
    );
    assert.deepEqual(
      await names([['filter[quantity][gt]', '5']]),
      expected((p) => q(p) !== null && q(p)! > 5),
    );
    assert.deepEqual(
      await names([['filter[quantity][gte]', '5']]),
      expected((p) => q(p) !== null && q(p)! >= 5),
    );
    assert.deepEqual(
      await names([['filter[quantity][lt]', '1']]),
      expected((p) => q(p) !== null && q(p)! < 1),
    );
    assert.deepEqual(
      await names([['filter[quantity][lte]', '1']]),
      expected((p) => q(p) !== null && q(p)! <= 1),
    );
    assert.deepEqual(
      await names([['filter[quantity][between]', '0,7']]),
      expected((p) => q(p) !== null && q(p)! >= 0 && q(p)! <= 7),
    );
    assert.deepEqual(
      await names([['filter[kind][in]', 'bolt,gear']]),
      expected((p) => ['bolt', 'gear'].includes(p.kind!)),
    );
    assert.deepEqual(
      await names([
        ['filter[kind][in]', 'bolt'],
        ['filter[kind][in]', 'nut'],
      ]),
      expected((p) => ['bolt', 'nut'].includes(p.kind!)),
      'repeated keys are a list too',
    );
    assert.deepEqual(
      await names([['filter[kind][nin]', 'bolt,gear']]),
      expected((p) => p.kind !== null && !['bolt', 'gear'].includes(p.kind)),
    );
    assert.deepEqual(
      await names([['filter[fragile][eq]', 'true']]),
      expected((p) => p.fragile === true),
    );
    assert.deepEqual(
      await names([['filter[shippedAt][gte]', '2024-02-01T00:00:00Z']]),
      expected((p) => p.shippedAt !== null && Date.parse(p.shippedAt) >= Date.parse('2024-02-01T00:00:00Z')),
    );
    assert.deepEqual(await names([['filter[id][eq]', parts[2].id.toUpperCase()]]), ['beta'], 'a uuid in any case');
  });

  test('null and not null', async () => {
    assert.deepEqual(
      await names([['filter[shippedAt][null]', 'true']]),
      expected((p) => p.shippedAt === null),
    );
    assert.deepEqual(
      await names([['filter[shippedAt][null]', 'false']]),
      expected((p) => p.shippedAt !== null),
    );
  });

  test('contains and startsWith, case-sensitive and not', async () => {
    assert.deepEqual(await names([['filter[name][contains]', 'lp']]), ['Alpine', 'alpha']);
    assert.deepEqual(await names([['filter[name][startsWith]', 'Al']]), ['Alpine']);
    assert.deepEqual(await names([['filter[name][istartsWith]', 'AL']]), ['Alpine', 'alpha']);
    assert.deepEqual(await names([['filter[name][icontains]', 'ALP']]), ['Alpine', 'alpha']);
    assert.deepEqual(await names([['filter[name][contains]', 'ALP']]), []);
  });

  test("LIKE wildcards in the client's value match literally", async () => {
    assert.deepEqual(await names([['filter[name][contains]', '%']]), ['50% off']);
    assert.deepEqual(await names([['filter[name][startsWith]', '50%']]), ['50% off']);
    assert.deepEqual(await names([['filter[name][contains]', '_']]), ['snake_case']);
    assert.deepEqual(await names([['filter[name][icontains]', 'E_C']]), ['snake_case']);
    assert.deepEqual(await names([['filter[name][contains]', '\\']]), ['back\\slash']);
    assert.deepEqual(await names([['filter[name][contains]', 'k\\s']]), ['back\\slash']);
  });

  test('conditions are ANDed; or groups hold when one of them does', async () => {
    assert.deepEqual(
      await names([
        ['filter[kind][eq]', 'bolt'],
        ['filter[quantity][gt]', '1'],
      ]),
      expected((p) => p.kind === 'bolt' && p.quantity !== null && p.quantity > 1),
    );
    assert.deepEqual(
      await names([
        ['filter[or][0][kind][eq]', 'gear'],
        ['filter[or][1][quantity][lt]', '1'],
      ]),
      expected((p) => p.kind === 'gear' || (p.quantity !== null && p.quantity < 1)),
    );
    assert.deepEqual(
      await names([
        ['filter[fragile][eq]', 'true'],
        ['filter[or][0][kind][eq]', 'gear'],
        ['filter[or][1][shippedAt][null]', 'false'],
      ]),
      expected((p) => p.fragile === true && (p.kind === 'gear' || p.shippedAt !== null)),
      'an or group is ANDed with the conditions beside it',
    );
    assert.deepEqual(
      await names([
        ['filter[or][0][and][0][kind][eq]', 'bolt'],
        ['filter[or][0][and][1][fragile][eq]', 'false'],
        ['filter[or][1][name][eq]', 'beta'],
      ]),
      expected((p) => (p.kind === 'bolt' && p.fragile === false) || p.name === 'beta'),
      'an and group inside an or group',
    );
  });

  test('filters on the properties of a many-to-one relation', async () => {
    assert.deepEqual(
      await names([['filter[widget.name][eq]', 'Gearbox']]),
      expected((p) => p.widgetId === gears.id),
    );
    assert.deepEqual(
      await names([
        ['filter[widget.name][icontains]', 'BOLT'],
        ['filter[quantity][gte]', '10'],
      ]),
      expected((p) => p.widgetId === bolts.id && p.quantity !== null && p.quantity >= 10),
    );
    assert.deepEqual(
      await names([
        ['filter[or][0][widget.name][eq]', 'Gearbox'],
        ['filter[or][1][kind][eq]', 'gear'],
      ]),
      expected((p) => p.widgetId === gears.id || p.kind === 'gear'),
    );
  });

  /** The answer to a filter that must be refused: a 400 whose fields name what was wrong. */
  async function refused(
    pairs: readonly (readonly [string, string])[],
  ): Promise<{ field: string; errors: string[] }[]> {
    const answer = await call('GET', `/parts${query(pairs)}`);
    assert.equal(answer.status, 400, `${JSON.stringify(pairs)}: ${answer.text}`);
    assert.equal(answer.body.statusCode, 400);
    return answer.body.fields;
  }

  test('an unknown property or operator is a 400 naming it', async () => {
    const [unknownField] = await refused([['filter[colour][eq]', 'red']]);
    assert.equal(unknownField.field, 'filter[colour]');
    assert.match(unknownField.errors[0], /cannot be filtered by colour/);
    const [unknownOperator] = await refused([['filter[name][like]', 'a%']]);
    assert.equal(unknownOperator.field, 'filter[name][like]');
    assert.match(unknownOperator.errors[0], /unknown operator like/);
    assert.equal((await refused([['filter[widget.secret][eq]', 'x']]))[0].field, 'filter[widget.secret]');
    assert.equal((await refused([['filter[or][0][nope][eq]', 'x']]))[0].field, 'filter[or][0][nope]');
    assert.equal((await refused([['filter[deletedAt][null]', 'false']]))[0].field, 'filter[deletedAt]');
    assert.equal((await refused([['filter[quantity][contains]', '1']]))[0].field, 'filter[quantity][contains]');
    assert.equal((await refused([['filter', 'name']]))[0].field, 'filter');
    assert.equal((await refused([['filter[name]', 'alpha']]))[0].field, 'filter[name]');
    const both = await refused([
      ['filter[colour][eq]', 'red'],
      ['filter[name][like]', 'x'],
    ]);
    assert.deepEqual(
      both.map((entry) => entry.field),
      ['filter[colour]', 'filter[name][like]'],
      'every problem at once',
    );
  });

  test('a value of the wrong type for its property is a 400 naming it, never a database error', async () => {
    const cases: [string, string][] = [
      ['filter[id][eq]', 'abc'],
      ['filter[widgetId][in]', `${gears.id},nope`],
      ['filter[quantity][eq]', 'abc'],
      ['filter[quantity][eq]', '1.5'],
      ['filter[quantity][gt]', '2147483648'],
      ['filter[quantity][between]', '1'],
      ['filter[kind][eq]', 'spring'],
      ['filter[fragile][eq]', 'yes'],
      ['filter[fragile][gt]', 'true'],
      ['filter[shippedAt][gt]', 'yesterday'],
      ['filter[shippedAt][gt]', '2024-02-30T00:00:00Z'],
      ['filter[shippedAt][null]', 'maybe'],
      ['filter[widget.createdAt][lt]', '2024-01-01'],
    ];
    for (const [key, value] of cases) {
      const [entry] = await refused([[key, value]]);
      assert.equal(entry.field, key, `${key}=${value}`);
    }
    const [twice] = await refused([
      ['filter[name][eq]', 'a'],
      ['filter[name][eq]', 'b'],
    ]);
    assert.match(twice.errors[0], /must be one value/);
  });

  test('hostile query strings are refused fast with a 400', async (t) => {
    const deep = `?filter${'[or][0]'.repeat(20)}[name][eq]=x`;
    const many = `?${'a=1&'.repeat(3_000)}limit=1`;
    const manyConditions = `?${Array.from({ length: 101 }, (_, i) => `filter[or][${i}][name][eq]=${i}`).join('&')}`;
    const wide = `?filter[name][in]=${Array.from({ length: 101 }, (_, i) => i).join(',')}`;
    for (const search of [deep, many, manyConditions, wide]) {
      const started = Date.now();
      const answer = await call('GET', `/parts${search}`);
      assert.equal(answer.status, 400, `${search.slice(0, 60)}: ${answer.text}`);
      assert.equal(answer.body.statusCode, 400);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 1_000, `answered in ${elapsed} ms`);
      t.diagnostic(`${search.length} characters, ${search.slice(0, 40)}…: 400 in ${elapsed} ms`);
    }
  });

  test('two different filters never share a cache entry; the same one does', async () => {
    const list = (search: string) => call<{ data: { name: string }[] }>('GET', `/widgets${search}`);
    const first = await list('?filter[name][eq]=Gearbox');
    assert.equal(first.headers.get('x-cache'), 'MISS');
    assert.deepEqual(
      first.body.data.map((w) => w.name),
      ['Gearbox'],
    );
    const again = await list('?filter[name][eq]=Gearbox');
    assert.equal(again.headers.get('x-cache'), 'HIT', 'the list is cached');
    for (const [search, names] of [
      ['?filter[name][eq]=bolt%20bin', ['bolt bin']],
      ['?filter[name][ne]=Gearbox', ['bolt bin']],
      ['?filter[name][eq]=Gearbox&filter[name][eq]=bolt+bin', undefined],
      ['?filter[or][0][name][eq]=Gearbox&filter[or][1][name][eq]=bolt+bin', ['Gearbox', 'bolt bin']],
    ] as const) {
      const answer = await list(search);
      assert.equal(answer.headers.get('x-cache'), 'MISS', search);
      if (names === undefined) assert.equal(answer.status, 400, search);
      else assert.deepEqual(answer.body.data.map((w) => w.name).sort(), names, search);
    }
    const reordered = await list('?filter[or][1][name][eq]=bolt+bin&filter[or][0][name][eq]=Gearbox');
    assert.deepEqual(reordered.body.data.map((w) => w.name).sort(), ['Gearbox', 'bolt bin']);
  });

  /** Postgres's order for the sortable columns used here: enums in declaration order, NULLs after every value. */
  const SORT_COLUMNS = {
    quantity: (p: Part) => p.quantity,
    kind: (p: Part) => (p.kind === null ? null : ['bolt', 'nut', 'gear'].indexOf(p.kind)),
    fragile: (p: Part) => (p.fragile === null ? null : Number(p.fragile)),
    shippedAt: (p: Part) => (p.shippedAt === null ? null : Date.parse(p.shippedAt)),
    widgetId: (p: Part) => p.widgetId,
  } as const;
  type SortColumn = keyof typeof SORT_COLUMNS;

  function compareBy(keys: readonly { column: SortColumn; descending: boolean }[]) {
    return (a: Part, b: Part): number => {
      for (const { column, descending } of keys) {
        const [x, y] = [SORT_COLUMNS[column](a), SORT_COLUMNS[column](b)];
        if (x === y) continue;
        const ascending = x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
        return descending ? -ascending : ascending;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    };
  }

  test('a multi-column sort is total: ties are broken by id, and offset pages visit every row once', async () => {
    const sortKeys = fc.uniqueArray(
      fc.record({ column: fc.constantFrom(...(Object.keys(SORT_COLUMNS) as SortColumn[])), descending: fc.boolean() }),
      { minLength: 1, maxLength: 3, selector: (key) => key.column },
    );
    await fc.assert(
      fc.asyncProperty(sortKeys, fc.integer({ min: 1, max: 4 }), async (keys, pageSize) => {
        const sort = keys.map(({ column, descending }) => `${descending ? '-' : ''}${column}`).join(',');
        const seen: string[] = [];
        for (let offset = 0; offset < parts.length + pageSize; offset += pageSize) {
          const page = await call<{ data: Part[] }>('GET', `/parts?sort=${sort}&limit=${pageSize}&offset=${offset}`);
          assert.equal(page.status, 200, page.text);
          seen.push(...page.body.data.map((part) => part.id));
        }
        assert.deepEqual(
          seen,
          [...parts].sort(compareBy(keys)).map((part) => part.id),
          sort,
        );
      }),
      { numRuns: 40 },
    );
  });

  test('a sort by a property that is not sortable, or malformed, is a 400 naming sort', async () => {
    for (const sort of ['colour', '-name,colour', 'name,name', 'name,', '--name', 'deletedAt']) {
      const answer = await call('GET', `/parts?sort=${encodeURIComponent(sort)}`);
      assert.equal(answer.status, 400, `${sort}: ${answer.text}`);
      assert.deepEqual(
        answer.body.fields.map((entry: { field: string }) => entry.field),
        ['sort'],
        sort,
      );
    }
  });

  /** Every row the cursor pages visit, following nextCursor from the first page. */
  async function followCursors(sort: string, pageSize: number, extra = ''): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages <= parts.length + 1; pages++) {
      const search: string = `?sort=${sort}&limit=${pageSize}${extra}${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = await call<{ data: Part[]; nextCursor: string | null; offset?: number }>('GET', `/parts${search}`);
      assert.equal(page.status, 200, page.text);
      assert.equal(page.body.offset, cursor === null ? 0 : undefined, 'offset only when paging by offset');
      seen.push(...page.body.data.map((part) => part.id));
      cursor = page.body.nextCursor;
      if (cursor === null) return seen;
    }
    assert.fail(`more pages than rows for sort=${sort}`);
  }

  test('cursor pages visit every row exactly once, in the order of any sort', async () => {
    const columns = [...(Object.keys(SORT_COLUMNS) as SortColumn[]), 'name', 'createdAt', 'id'];
    const sortKeys = fc.uniqueArray(fc.record({ column: fc.constantFrom(...columns), descending: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
      selector: (key) => key.column,
    });
    await fc.assert(
      fc.asyncProperty(sortKeys, fc.integer({ min: 1, max: 4 }), async (keys, pageSize) => {
        const sort = keys.map(({ column, descending }) => `${descending ? '-' : ''}${column}`).join(',');
        const whole = await call<{ data: Part[] }>('GET', `/parts?sort=${sort}&limit=100`);
        const visited = await followCursors(sort, pageSize);
        assert.deepEqual(
          visited,
          whole.body.data.map((part) => part.id),
          sort,
        );
        assert.equal(new Set(visited).size, parts.length, sort);
      }),
      { numRuns: 40 },
    );
    const filtered = await followCursors('-quantity', 2, '&filter[kind][in]=bolt,nut');
    assert.deepEqual(
      new Set(filtered),
      new Set(parts.filter((p) => ['bolt', 'nut'].includes(p.kind!)).map((p) => p.id)),
    );
  });

  test('a cursor made for another sort, a tampered one, or one with an offset is a 400 naming it', async () => {
    const first = await call<{ nextCursor: string }>('GET', '/parts?sort=-quantity&limit=2');
    const cursor = first.body.nextCursor;
    const fieldsOf = async (search: string) => {
      const answer = await call('GET', `/parts${search}`);
      assert.equal(answer.status, 400, `${search}: ${answer.text}`);
      return answer.body.fields.map((entry: { field: string }) => entry.field);
    };
    assert.deepEqual(await fieldsOf(`?sort=quantity&cursor=${cursor}`), ['cursor']);
    assert.deepEqual(await fieldsOf(`?cursor=${cursor}`), ['cursor']);
    assert.deepEqual(await fieldsOf('?sort=-quantity&cursor=not-a-cursor'), ['cursor']);
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const forged = (after: unknown[]) => Buffer.from(JSON.stringify({ ...payload, after })).toString('base64url');
    assert.deepEqual(await fieldsOf(`?sort=-quantity&cursor=${forged(['abc', payload.after[1]])}`), ['cursor']);
    assert.deepEqual(await fieldsOf(`?sort=-quantity&cursor=${forged([payload.after[0], 'not-a-uuid'])}`), ['cursor']);
    assert.deepEqual(await fieldsOf(`?sort=-quantity&cursor=${forged([payload.after[0]])}`), ['cursor']);
    assert.deepEqual(await fieldsOf(`?sort=-quantity&offset=2&cursor=${cursor}`), ['offset']);
    const last = await call<{ nextCursor: string | null }>('GET', '/parts?limit=100');
    assert.equal(last.body.nextCursor, null, 'the last page has no next cursor');
  });

  test('a cursor continues only the filter it was made with: another filter, or none, is a 400 saying so', async () => {
    const filter = '&filter[kind][in]=bolt,nut&filter[quantity][gte]=0';
    const first = await call<{ nextCursor: string }>('GET', `/parts?sort=name&limit=1${filter}`);
    assert.equal(first.status, 200, first.text);
    const cursor = first.body.nextCursor;
    for (const other of [
      '',
      '&filter[kind][in]=bolt',
      '&filter[kind][in]=bolt,nut',
      `${filter}&filter[fragile][eq]=true`,
    ]) {
      const answer = await call('GET', `/parts?sort=name&limit=1${other}&cursor=${cursor}`);
      const body = assertProblem(answer, 400, `${other}: ${answer.text}`);
      assert.deepEqual(body.fields, [
        {
          field: 'cursor',
          errors: [
            'cursor continues a list with another filter; send the filter it was made with, or start again without cursor',
          ],
        },
      ]);
    }
    const reordered = '&filter[quantity][gte]=0&filter[kind][in]=bolt,nut';
    const next = await call('GET', `/parts?limit=1${reordered}&sort=name&cursor=${cursor}`);
    assert.equal(next.status, 200, `the same filter, its conditions in another order: ${next.text}`);
    const whole = await call<{ data: Part[] }>('GET', `/parts?sort=name&limit=100${filter}`);
    assert.deepEqual(
      [first.body, next.body].map((page: any) => page.data[0].id),
      whole.body.data.slice(0, 2).map((part) => part.id),
    );
  });

  test('every bad list parameter is named in one 400: filter, sort, limit, offset, count, cursor, fields, include', async () => {
    const byName = (await call<{ nextCursor: string }>('GET', '/parts?sort=name&limit=1')).body.nextCursor;
    const answer = await call(
      'GET',
      `/parts?filter[colour][eq]=red&filter[quantity][gt]=many&sort=colour&limit=0&count=all&cursor=${byName}&offset=3` +
        '&fields=colour&include=wheel',
    );
    const body = assertProblem(answer, 400);
    assert.equal(body.type, 'https://apso.dev/problems/validation');
    const fields = body.fields.map((entry: { field: string }) => entry.field).sort();
    assert.deepEqual(fields, [
      'count',
      'cursor',
      'fields',
      'filter[colour]',
      'filter[quantity][gt]',
      'include',
      'limit',
      'offset',
      'sort',
    ]);
    for (const field of fields) assert.ok(body.detail.includes(field), `the detail names ${field}`);
    const filterAndLimit = await call('GET', '/parts?filter[nope][eq]=1&limit=101');
    assert.deepEqual(
      assertProblem(filterAndLimit, 400)
        .fields.map((entry: { field: string }) => entry.field)
        .sort(),
      ['filter[nope]', 'limit'],
    );
  });

  test('count: none by default, exact of the filtered rows, or estimated (exact below 1,000)', async () => {
    const page = (search: string) =>
      call<{ data: Part[]; total?: number; totalKind?: string; nextCursor: string }>('GET', `/parts${search}`);
    const plain = await page('?limit=2');
    assert.equal(plain.body.total, undefined);
    assert.equal(plain.body.totalKind, undefined);
    const bolts = expected((p) => p.kind === 'bolt' || p.kind === 'nut').length;
    const exact = await page('?limit=1&count=exact&filter[kind][in]=bolt,nut');
    assert.deepEqual([exact.body.total, exact.body.totalKind], [bolts, 'exact']);
    const next = await page(`?limit=1&count=exact&filter[kind][in]=bolt,nut&cursor=${exact.body.nextCursor}`);
    assert.deepEqual(
      [next.body.total, next.body.totalKind],
      [bolts, 'exact'],
      'the total of the list, not of the rest',
    );
    const small = await page('?count=estimated&filter[kind][in]=bolt,nut');
    assert.deepEqual([small.body.total, small.body.totalKind], [bolts, 'exact'], 'a small estimate is counted');
    const gearParts = expected((p) => p.widgetId === gears.id).length;
    for (const count of ['exact', 'estimated']) {
      const joined = await page(`?count=${count}&filter[widget.name][eq]=Gearbox&filter[name][ne]=x`);
      assert.deepEqual([joined.body.total, joined.body.totalKind], [gearParts, 'exact'], `${count} through a join`);
    }
    const refused = await page('?count=maybe');
    assert.equal(refused.status, 400);
    assert.deepEqual(
      (refused.body as unknown as { fields: { field: string }[] }).fields.map((f) => f.field),
      ['count'],
    );
  });

  test('count=estimated reads the planner: near the truth for a large table', async () => {
    const sql = new Client({ connectionString: fixture.database.url });
    await sql.connect();
    try {
      await sql.query("INSERT INTO widgets (name, version) SELECT 'bulk-' || g, 1 FROM generate_series(1, 3000) g");
      await sql.query('ANALYZE widgets');
      const { rows } = await sql.query<{ count: string }>('SELECT count(*) FROM widgets');
      const actual = Number(rows[0].count);
      const estimated = await call<{ total: number; totalKind: string }>('GET', '/widgets?limit=1&count=estimated');
      assert.equal(estimated.body.totalKind, 'estimated');
      assert.ok(Math.abs(estimated.body.total - actual) <= actual * 0.1, `${estimated.body.total} near ${actual}`);
      const exact = await call<{ total: number; totalKind: string }>('GET', '/widgets?limit=1&count=exact');
      assert.deepEqual([exact.body.total, exact.body.totalKind], [actual, 'exact']);
    } finally {
      await sql.end();
    }
  });
});

describe('list cursors under a database whose DateStyle is not ISO', () => {
  let fixture: FixtureApp;

  before(async () => {
    // Date output follows the session's DateStyle (31/01/2024 here); a cursor must not depend on it.
    fixture = await startFixtureApp(CURSOR_REDIS_DATABASE, async (database) => {
      const sql = new Client({ connectionString: database.url });
      await sql.connect();
      await sql.query(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET datestyle = ''SQL, DMY''', current_database()); END $$",
      );
      await sql.end();
      return {};
    });
  });

  after(async () => {
    await fixture?.close();
  });

  test('cursor pages sorted by a date visit every row once', async () => {
    const widget = (await http(fixture.baseUrl, 'POST', '/widgets', { name: 'dated' })).body;
    const ids: string[] = [];
    for (const madeOn of ['2024-01-31', '2024-01-31', '2023-12-01', null, '2024-02-29']) {
      const part = await http(fixture.baseUrl, 'POST', '/parts', { name: 'p', madeOn, widgetId: widget.id });
      assert.equal(part.status, 201, part.text);
      ids.push(part.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const search: string = `/parts?sort=-madeOn&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = await http(fixture.baseUrl, 'GET', search);
      assert.equal(page.status, 200, page.text);
      seen.push(...page.body.data.map((part: { id: string }) => part.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null && seen.length <= ids.length);
    assert.deepEqual([...seen].sort(), [...ids].sort());
  });
});
