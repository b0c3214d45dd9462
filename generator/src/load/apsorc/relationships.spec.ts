import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { importApsorc } from './index';
import { checkInvariants, clean, entity, field, one, relation } from './spec-support';

describe('relationships', () => {
  const two = (relationships: unknown[], a: unknown[] = [], b: unknown[] = []): object => ({
    entities: [
      { name: 'Customer', fields: [{ name: 'name', type: 'text' }, ...a] },
      { name: 'Order', fields: [{ name: 'total', type: 'numeric' }, ...b] },
    ],
    relationships,
  });

  test('OneToMany: plural property, the child side is camelCase(from), always two-sided', () => {
    const r = importApsorc(two([{ from: 'Customer', to: 'Order', type: 'OneToMany', cascadeDelete: true }]));
    clean(r);
    assert.deepEqual(relation(r, 'Customer', 'orders'), {
      name: 'orders',
      type: 'OneToMany',
      target: 'Order',
      inverse: 'customer',
      nullable: false,
      onDelete: 'CASCADE',
    });
    assert.equal(entity(r, 'Order').relationships, undefined);
  });

  test('ManyToOne: two-sided by default, one-sided with bi_directional false', () => {
    const a = importApsorc(two([{ from: 'Order', to: 'Customer', type: 'ManyToOne', nullable: true }]));
    clean(a);
    assert.deepEqual(relation(a, 'Order', 'customer'), {
      name: 'customer',
      type: 'ManyToOne',
      target: 'Customer',
      inverse: 'orders',
      nullable: true,
    });
    const b = importApsorc(two([{ from: 'Order', to: 'Customer', type: 'ManyToOne', bi_directional: false }]));
    assert.deepEqual(relation(b, 'Order', 'customer'), {
      name: 'customer',
      type: 'ManyToOne',
      target: 'Customer',
      nullable: false,
    });
  });

  test('to_name names the property', () => {
    const r = importApsorc(
      two([
        { from: 'Order', to: 'Customer', type: 'ManyToOne', to_name: 'buyer' },
        { from: 'Customer', to: 'Order', type: 'OneToMany', to_name: 'purchases' },
      ]),
    );
    clean(r);
    assert.equal(relation(r, 'Order', 'buyer').inverse, 'orders');
    assert.equal(relation(r, 'Customer', 'purchases').inverse, 'customer');
  });

  test('OneToOne declared from one side: one-sided, the from side owns the key; APSO cascades OneToOne', () => {
    const r = importApsorc(two([{ from: 'Order', to: 'Customer', type: 'OneToOne' }]));
    clean(r);
    assert.deepEqual(relation(r, 'Order', 'customer'), {
      name: 'customer',
      type: 'OneToOne',
      target: 'Customer',
      nullable: true,
      onDelete: 'CASCADE',
    });
    const bi = importApsorc(two([{ from: 'Order', to: 'Customer', type: 'OneToOne', bi_directional: true }]));
    assert.equal(relation(bi, 'Order', 'customer').inverse, 'order');
  });

  test('OneToOne: when only the target already holds the key column, the target owns it', () => {
    const r = importApsorc(
      two([{ from: 'Customer', to: 'Order', type: 'OneToOne' }], [], [{ name: 'customer_id', type: 'integer' }]),
    );
    clean(r);
    assert.equal(entity(r, 'Customer').relationships, undefined);
    assert.deepEqual(relation(r, 'Order', 'customer'), {
      name: 'customer',
      type: 'OneToOne',
      target: 'Customer',
      inverse: 'order',
      nullable: false,
      onDelete: 'CASCADE',
    });
    one(r.warnings, '/relationships/0', /owns this OneToOne/);
  });

  test('ManyToMany: plural names, join table, bi_directional', () => {
    const r = importApsorc(
      two([
        { from: 'Order', to: 'Customer', type: 'ManyToMany', joinTableName: 'order_customers', bi_directional: true },
      ]),
    );
    clean(r);
    assert.deepEqual(relation(r, 'Order', 'customers'), {
      name: 'customers',
      type: 'ManyToMany',
      target: 'Customer',
      inverse: 'orders',
      joinTable: 'order_customers',
    });
  });

  test('the two sides declared separately are one relation', () => {
    const r = importApsorc(
      two([
        { from: 'Customer', to: 'Order', type: 'OneToMany' },
        { from: 'Order', to: 'Customer', type: 'ManyToOne', cascadeDelete: true },
      ]),
    );
    clean(r);
    assert.deepEqual(entity(r, 'Customer').relationships, [
      { name: 'orders', type: 'OneToMany', target: 'Order', inverse: 'customer', nullable: false, onDelete: 'CASCADE' },
    ]);
    assert.equal(entity(r, 'Order').relationships, undefined);
    checkInvariants(r.document, 'pair');
  });

  test('both sides of a ManyToMany with to_names are one relation owned by the joinTableName side', () => {
    const r = importApsorc(
      two([
        { from: 'Customer', to: 'Order', type: 'ManyToMany', to_name: 'favourites', bi_directional: true },
        {
          from: 'Order',
          to: 'Customer',
          type: 'ManyToMany',
          to_name: 'fans',
          bi_directional: true,
          joinTableName: 'favourites',
        },
      ]),
    );
    clean(r);
    assert.equal(entity(r, 'Customer').relationships, undefined);
    assert.deepEqual(relation(r, 'Order', 'fans'), {
      name: 'fans',
      type: 'ManyToMany',
      target: 'Customer',
      inverse: 'favourites',
      joinTable: 'favourites',
    });
  });

  test('relations to unknown entities are errors with a suggestion', () => {
    const r = importApsorc(
      two([
        { from: 'Customer', to: 'Ordre', type: 'OneToMany' },
        { from: 'Nobody', to: 'Order', type: 'OneToMany' },
      ]),
    );
    assert.deepEqual(
      r.errors.map((e) => e.pointer),
      ['/relationships/0/to', '/relationships/1/from'],
    );
    assert.match(r.errors[0].message, /unknown entity "Ordre"; did you mean "Order"\?/);
  });

  test('relationships may name an entity by its original spelling', () => {
    const r = importApsorc({
      entities: [{ name: 'order_item' }, { name: 'Order' }],
      relationships: [{ from: 'Order', to: 'order_item', type: 'OneToMany' }],
    });
    clean(r);
    assert.equal(relation(r, 'Order', 'orderItems').target, 'OrderItem');
  });

  test('scalar foreign key next to the relation: merged, nullable carried, indexes remapped, one warning', () => {
    const r = importApsorc({
      entities: [
        {
          name: 'Subscription',
          fields: [
            { name: 'plan_id', type: 'bigint', nullable: true, isIndex: true },
            { name: 'customer_id', type: 'uuid' },
          ],
          indexes: [{ fields: ['plan_id', 'customer_id'], unique: true }],
          uniques: [{ name: 'one_per_customer', fields: ['customer_id'] }],
        },
        { name: 'Plan' },
        { name: 'Customer' },
      ],
      relationships: [
        { from: 'Subscription', to: 'Plan', type: 'ManyToOne' },
        { from: 'Customer', to: 'Subscription', type: 'OneToMany' },
      ],
    });
    clean(r);
    assert.equal(entity(r, 'Subscription').fields, undefined);
    assert.equal(relation(r, 'Subscription', 'plan').nullable, true);
    assert.equal(relation(r, 'Customer', 'subscriptions').nullable, false);
    assert.deepEqual(entity(r, 'Subscription').indexes, [
      { fields: ['plan'] },
      { fields: ['plan', 'customer'], unique: true },
      { name: 'one_per_customer', fields: ['customer'], unique: true },
    ]);
    one(r.warnings, '/entities/0/fields/0', /merged/);
    one(r.warnings, '/entities/0/fields/1', /merged.*uuid becomes Customer's key type integer/);
    assert.equal(r.warnings.length, 2);
  });

  test('a field named like the relation keeps its name; the relation becomes <name>Ref', () => {
    const r = importApsorc({
      entities: [
        { name: 'Ticket', fields: [{ name: 'status', type: 'varchar' }] },
        { name: 'Status', fields: [{ name: 'name', type: 'varchar' }] },
      ],
      relationships: [{ from: 'Ticket', to: 'Status', type: 'ManyToOne' }],
    });
    clean(r);
    assert.equal(field(r, 'Ticket', 'status').type, 'string');
    assert.deepEqual(relation(r, 'Ticket', 'statusRef'), {
      name: 'statusRef',
      type: 'ManyToOne',
      target: 'Status',
      inverse: 'tickets',
      nullable: false,
    });
    one(r.warnings, '/relationships/0', /"statusRef" \(column status_ref_id\)/);
  });

  test('an inverse that would collide with a field on the target is renamed too', () => {
    const r = importApsorc({
      entities: [{ name: 'Customer', fields: [{ name: 'orders', type: 'integer' }] }, { name: 'Order' }],
      relationships: [{ from: 'Order', to: 'Customer', type: 'ManyToOne' }],
    });
    clean(r);
    assert.equal(relation(r, 'Order', 'customer').inverse, 'ordersRef');
    checkInvariants(r.document, 'inverse collision');
  });

  test('several relationships to one target are numbered in declaration order', () => {
    const r = importApsorc({
      entities: [{ name: 'Match' }, { name: 'Team' }],
      relationships: [
        { from: 'Match', to: 'Team', type: 'ManyToOne' },
        { from: 'Match', to: 'Team', type: 'ManyToOne' },
        { from: 'Match', to: 'Team', type: 'ManyToOne', to_name: 'winner' },
      ],
    });
    clean(r);
    assert.deepEqual(
      entity(r, 'Match').relationships?.map((x) => [x.name, x.inverse]),
      [
        ['team', 'matches'],
        ['team2', 'matches2'],
        ['winner', 'matches3'],
      ],
    );
    one(r.warnings, '/relationships/1', /"team2"; add "to_name"/);
    checkInvariants(r.document, 'numbered');
  });

  test('an explicit to_name that clashes is an error, and still never duplicates a property', () => {
    const r = importApsorc({
      entities: [{ name: 'Order', fields: [{ name: 'buyer', type: 'text' }] }, { name: 'Customer' }],
      relationships: [{ from: 'Order', to: 'Customer', type: 'ManyToOne', to_name: 'buyer' }],
    });
    one(r.errors, '/relationships/0/to_name', /clashes with a field of Order/);
    checkInvariants(r.document, 'clash');
  });

  test('a self-referencing OneToMany: children plural, parent camelCase, forced nullable', () => {
    const r = importApsorc({
      entities: [{ name: 'Category', fields: [{ name: 'name', type: 'text' }] }],
      relationships: [{ from: 'Category', to: 'Category', type: 'OneToMany' }],
    });
    clean(r);
    assert.deepEqual(relation(r, 'Category', 'categories'), {
      name: 'categories',
      type: 'OneToMany',
      target: 'Category',
      inverse: 'category',
      nullable: true,
    });
    assert.deepEqual(r.warnings, []);
    const strict = importApsorc({
      entities: [{ name: 'Category' }],
      relationships: [{ from: 'Category', to: 'Category', type: 'OneToMany', nullable: false }],
    });
    assert.equal(relation(strict, 'Category', 'categories').nullable, true);
    one(strict.warnings, '/relationships/0/nullable', /must be nullable/);
  });

  test('a self-referencing ManyToOne with a parent_id field', () => {
    const r = importApsorc({
      entities: [{ name: 'Category', fields: [{ name: 'category_id', type: 'integer' }] }],
      relationships: [{ from: 'Category', to: 'Category', type: 'ManyToOne' }],
    });
    clean(r);
    assert.deepEqual(relation(r, 'Category', 'category'), {
      name: 'category',
      type: 'ManyToOne',
      target: 'Category',
      inverse: 'categories',
      nullable: true,
    });
    one(r.warnings, '/entities/0/fields/0/nullable', /must be nullable/);
  });

  test('required relations in a cycle are an error: no row could be inserted', () => {
    const r = importApsorc({
      entities: [{ name: 'A' }, { name: 'B' }, { name: 'C' }],
      relationships: [
        { from: 'A', to: 'B', type: 'ManyToOne' },
        { from: 'B', to: 'C', type: 'ManyToOne' },
        { from: 'A', to: 'C', type: 'OneToMany' },
      ],
    });
    assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
    one(r.errors, '/relationships/0', /cycle \(A\.b → B\.c → C\.a\)/);
    const relaxed = importApsorc({
      entities: [{ name: 'A' }, { name: 'B' }],
      relationships: [
        { from: 'A', to: 'B', type: 'ManyToOne' },
        { from: 'B', to: 'A', type: 'ManyToOne', nullable: true },
      ],
    });
    clean(relaxed);
  });

  test('a ManyToMany whose id list would collide with a field is renamed', () => {
    const r = importApsorc({
      entities: [{ name: 'Post', fields: [{ name: 'tag_ids', type: 'jsonb' }] }, { name: 'Tag' }],
      relationships: [{ from: 'Post', to: 'Tag', type: 'ManyToMany' }],
    });
    clean(r);
    assert.equal(entity(r, 'Post').relationships?.[0].name, 'tagsRef');
  });

  test('a self-referencing ManyToMany pair with two to_names: one relation, names as written', () => {
    const r = importApsorc({
      entities: [{ name: 'User' }],
      relationships: [
        {
          from: 'User',
          to: 'User',
          type: 'ManyToMany',
          to_name: 'followers',
          bi_directional: true,
          joinTableName: 'follows',
        },
        { from: 'User', to: 'User', type: 'ManyToMany', to_name: 'following', bi_directional: true },
      ],
    });
    clean(r);
    assert.deepEqual(entity(r, 'User').relationships, [
      { name: 'followers', type: 'ManyToMany', target: 'User', inverse: 'following', joinTable: 'follows' },
    ]);
    one(r.warnings, '/relationships/1/to_name', /pluralised it to "followings"/);
  });

  test('a relationship without a type or with a misspelt one is an error', () => {
    const r = importApsorc(
      two([
        { from: 'Order', to: 'Customer' },
        { from: 'Order', to: 'Customer', type: 'ManyToone' },
        { from: 'Order', to: 'Customer', type: 'ManyToOen' },
      ]),
    );
    one(r.errors, '/relationships/0/type', /no "type"/);
    one(r.errors, '/relationships/2/type', /did you mean "ManyToOne"/);
    assert.equal(r.errors.length, 2, 'a case-insensitive match is accepted');
  });

  test('joinColumnName is not representable and is dropped with a warning', () => {
    const r = importApsorc(two([{ from: 'Order', to: 'Customer', type: 'ManyToMany', joinColumnName: 'o_id' }]));
    clean(r);
    one(r.warnings, '/relationships/0/joinColumnName', /not supported/);
  });
});
