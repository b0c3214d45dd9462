import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EntityTagInterceptor } from '../http/conditional-requests';
import { PlatformModule } from '../platform.module';
import { readableRow, StripUnreadableColumns, withoutUnreadableColumns } from './readable';
import { ResourceDefinition } from './resource';
import { resourceDefinition } from '../../../test/support/resource-definition';

const resource = resourceDefinition;

const ACCOUNTS = resource({ name: 'accounts', readable: ['id', 'name'] });
const MEMBERS: ResourceDefinition = resource({
  name: 'members',
  readable: ['id', 'email', 'accountId', 'labelIds'],
  relations: [
    { name: 'account', kind: 'ManyToOne', target: () => ACCOUNTS, includable: true },
    { name: 'friends', kind: 'ManyToMany', target: () => MEMBERS, includable: true },
  ],
});

@Entity({ name: 'spec_accounts' })
class Account {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar', select: false })
  webhookSecret!: string;
}

@Entity({ name: 'spec_members' })
class Member {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', select: false, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'timestamptz' })
  seenAt!: Date;

  @ManyToOne(() => Account)
  account?: Account;
}

function account(): Account {
  return Object.assign(new Account(), { id: 'a1', name: 'Acme', webhookSecret: 'whsec' });
}

function member(): Member {
  return Object.assign(new Member(), {
    id: 'm1',
    passwordHash: 'hash',
    seenAt: new Date('2024-01-31T09:30:00Z'),
    account: account(),
  });
}

describe('readableRow: the projection EntityService answers with', () => {
  test('keeps the readable properties and relations in the row order, and nothing else', () => {
    const row = { id: 'm1', passwordHash: 'hash', email: 'a@b.c', accountId: 'a1', labelIds: [2], extra: 1 };
    assert.deepEqual(Object.entries(readableRow(MEMBERS, row)), [
      ['id', 'm1'],
      ['email', 'a@b.c'],
      ['accountId', 'a1'],
      ['labelIds', [2]],
    ]);
  });

  test("projects embedded rows onto their own resource's whitelist, one or many, and keeps null", () => {
    const row = {
      id: 'm1',
      account: { id: 'a1', name: 'Acme', webhookSecret: 'whsec' },
      friends: [{ id: 'm2', email: 'f@b.c', passwordHash: 'hash', account: null }],
    };
    assert.deepEqual(readableRow(MEMBERS, row), {
      id: 'm1',
      account: { id: 'a1', name: 'Acme' },
      friends: [{ id: 'm2', email: 'f@b.c', account: null }],
    });
  });
});

describe('withoutUnreadableColumns: what a hand-written route answers', () => {
  test("drops every entity's select: false columns, nested in plain objects, arrays and relations", () => {
    const body = { data: [member()], owner: account(), at: new Date(0) };
    assert.deepEqual(JSON.parse(JSON.stringify(withoutUnreadableColumns(body))), {
      data: [{ id: 'm1', seenAt: '2024-01-31T09:30:00.000Z', account: { id: 'a1', name: 'Acme' } }],
      owner: { id: 'a1', name: 'Acme' },
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  test("leaves the caller's entities and other values as they are", () => {
    const entity = member();
    withoutUnreadableColumns(entity);
    assert.equal(entity.passwordHash, 'hash');
    assert.equal(entity.account?.webhookSecret, 'whsec');
    const buffer = Buffer.from('x');
    assert.equal(withoutUnreadableColumns(buffer), buffer);
    assert.equal(withoutUnreadableColumns('text'), 'text');
    assert.equal(withoutUnreadableColumns(null), null);
  });

  test('the interceptor strips the body, and sits inside the entity tag interceptor so the ETag is of what is sent', async () => {
    const stripped = await lastValueFrom(
      new StripUnreadableColumns().intercept({} as never, { handle: () => of(account()) }),
    );
    assert.deepEqual(JSON.parse(JSON.stringify(stripped)), { id: 'a1', name: 'Acme' });
    const interceptors = (PlatformModule.forRoot({ entities: [], migrations: [] }).providers ?? []).flatMap(
      (provider) =>
        typeof provider === 'object' && 'provide' in provider && provider.provide === APP_INTERCEPTOR
          ? [(provider as { useClass: unknown }).useClass]
          : [],
    );
    assert.deepEqual(interceptors, [EntityTagInterceptor, StripUnreadableColumns]);
  });
});
