import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { diffStates } from '../../generator/src/database/diff';
import { databaseState } from '../../generator/src/database/state';
import { buildModel } from '../../generator/src/model/build';
import type { SchemaDocument } from '../../generator/src/schema/document';
import { recordEvents } from '../../src/platform/events/entity-event';
import { createDatabase, type TestDatabase } from '../support/services';

/**
 * The table apso declares for entity events (generator/src/database/platform-tables.ts), created on
 * PostgreSQL by the migration steps apso writes, and written by the platform's recordEvents exactly
 * as the worker's relay will read it. Fails without the declaration: no migration creates the table.
 */
const WITHOUT_EVENTS: SchemaDocument = { entities: [{ name: 'Project' }] };
const WITH_EVENTS: SchemaDocument = {
  entities: [{ name: 'Project', events: ['created', 'deleted'] }],
  webhooks: [{ name: 'crm', events: ['Project.created'] }],
};

let database: TestDatabase;
let client: Client;

before(async () => {
  database = await createDatabase('jobsg_events_table');
  client = new Client({ connectionString: database.url });
  await client.connect();
});
after(async () => {
  await client?.end();
  await database?.drop();
});

describe('apso_events on PostgreSQL', () => {
  const steps = diffStates(databaseState(buildModel(WITHOUT_EVENTS)), databaseState(buildModel(WITH_EVENTS))).steps;

  test('the migration of a project that starts publishing events creates the table recordEvents writes', async () => {
    await client.query('CREATE TABLE projects (id uuid PRIMARY KEY)');
    for (const step of steps) await client.query(step.up);

    const dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    try {
      const created = [
        { id: 'a1', name: 'first' },
        { id: 'b2', name: 'second' },
      ];
      await dataSource.transaction((em) => recordEvents(em, 'Project', 'created', created));
      await dataSource
        .transaction(async (em) => {
          await recordEvents(em, 'Project', 'deleted', [{ id: 'a1' }]);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
    } finally {
      await dataSource.destroy();
    }

    const { rows } = await client.query<{
      seq: string;
      id: string;
      entity: string;
      type: string;
      entity_id: string;
      payload: object;
      occurred_at: Date;
    }>('SELECT seq, id, entity, type, entity_id, payload, occurred_at FROM apso_events ORDER BY seq');
    assert.deepEqual(
      rows.map((row) => [row.entity, row.type, row.entity_id, row.payload]),
      [
        ['Project', 'created', 'a1', { id: 'a1', name: 'first' }],
        ['Project', 'created', 'b2', { id: 'b2', name: 'second' }],
      ],
      'one row per event, in seq order; the rolled-back write left none',
    );
    assert.ok(Number(rows[1].seq) > Number(rows[0].seq));
    for (const row of rows) {
      assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.ok(row.occurred_at instanceof Date);
    }
  });

  test('the event id is unique, and the reverse steps drop the table', async () => {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM apso_events LIMIT 1');
    await assert.rejects(
      client.query(
        `INSERT INTO apso_events (id, entity, type, entity_id, payload) VALUES ($1, 'Project', 'updated', 'a1', '{}')`,
        [rows[0].id],
      ),
      /apso_events_id_key/,
    );
    for (const step of [...steps].reverse()) await client.query(step.down);
    const { rows: tables } = await client.query("SELECT to_regclass('apso_events') AS events");
    assert.equal(tables[0].events, null);
  });
});
