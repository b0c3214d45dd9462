import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ForbiddenException } from '@nestjs/common';
import { resourceDefinition } from '../../../test/support/resource-definition';
import { runAs } from '../auth/principal';
import { RowScope, scopeCondition, scopeKey } from './row-scope';

const ORG: RowScope = { property: 'organizationId', claim: 'org_id', type: 'uuid' };
const ACCOUNT: RowScope = { property: 'accountNumber', claim: 'https://example.com/account', type: 'integer' };
const OWNER: RowScope = { property: 'ownerSub', claim: 'sub', type: 'string' };
const UUID = '3F2B8C1E-9A4D-4E6F-8B7A-1C2D3E4F5A6B';

const projects = resourceDefinition({ name: 'projects', scope: ORG });
const scopedBy = (scope: RowScope, claims: Record<string, unknown>) =>
  runAs(claims, () => scopeCondition(resourceDefinition({ name: 'rows', scope })));

describe('the scope condition of the caller', () => {
  test('values as the column compares them: uuids in lower case, integers canonical, strings as sent', () => {
    assert.deepEqual(scopedBy(ORG, { org_id: UUID }), { property: 'organizationId', value: UUID.toLowerCase() });
    assert.equal(scopedBy(ACCOUNT, { 'https://example.com/account': 42 })?.value, '42');
    assert.equal(scopedBy(ACCOUNT, { 'https://example.com/account': '0042' })?.value, '42');
    assert.equal(scopedBy(OWNER, { sub: 'Alice' })?.value, 'Alice');
  });

  test('a missing claim, or one that cannot be the column, is a 403 naming the claim', () => {
    const refused: [RowScope, unknown][] = [
      [ORG, undefined],
      [ORG, 42],
      [ORG, [UUID]],
      [ORG, { id: UUID }],
      [ORG, 'not-a-uuid'],
      [ACCOUNT, 1.5],
      [ACCOUNT, '12a'],
      [OWNER, ''],
      [OWNER, 'x'.repeat(257)],
      [OWNER, 7],
    ];
    for (const [scope, value] of refused) {
      assert.throws(
        () => scopedBy(scope, { [scope.claim]: value }),
        (error: unknown) => error instanceof ForbiddenException && error.message.includes(scope.claim),
        `${scope.claim}: ${JSON.stringify(value)}`,
      );
    }
  });

  test('an unscoped resource has no condition; a scoped one outside a request is an error, never every row', () => {
    assert.equal(scopeCondition(resourceDefinition({ scope: null })), undefined);
    assert.throws(
      () => scopeCondition(projects),
      /no caller is known here: run this code in a request, or inside runAs/,
    );
  });
});

describe('the scope part of a cached answer key', () => {
  const tasks = resourceDefinition({
    name: 'tasks',
    scope: ORG,
    relations: [
      { name: 'project', kind: 'ManyToOne', target: () => projects, includable: true },
      { name: 'author', kind: 'ManyToOne', target: () => resourceDefinition({ scope: OWNER }), includable: true },
    ],
  });

  test("empty for an answer no scope shapes; each claim's value, in one order, otherwise", () => {
    assert.equal(scopeKey(resourceDefinition({}), undefined), '');
    assert.equal(
      scopeKey(tasks, { org_id: UUID, sub: 'alice' }),
      `org_id%20uuid=${UUID.toLowerCase()}&sub%20string=alice`,
    );
  });

  test('undefined (neither looked up nor stored) without a usable value of every claim', () => {
    assert.equal(scopeKey(tasks, undefined), undefined);
    assert.equal(scopeKey(tasks, { org_id: UUID }), undefined);
    assert.equal(scopeKey(tasks, { org_id: 'nope', sub: 'alice' }), undefined);
  });
});
