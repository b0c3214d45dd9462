import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDiagnostic } from './diagnostic';
import { validateDocument } from './validate';

const problems = (document: unknown): string[] =>
  validateDocument(document).diagnostics.map((diagnostic) => formatDiagnostic('schema.apso.json', diagnostic));

describe('structural diagnostics', () => {
  test('every error at once, each with a pointer and a plain sentence', () => {
    assert.deepEqual(
      problems({
        entities: [
          { name: 'Project', fields: [{ name: 'title', type: 'string' }] },
          {
            name: 'task',
            fields: [
              { name: 'a', type: 'text' },
              { name: 'b', type: 'text' },
              { name: 'c', type: 'text' },
              { name: 'd', type: 'text' },
              { name: 'title', type: 'strng' },
            ],
          },
          { name: 'Tag', cache: 5, fields: [{ name: 'label', type: 'string', nullabel: true }] },
        ],
        extra: true,
      }),
      [
        'schema.apso.json: /entities/1/fields/4/type: unknown type "strng"; did you mean "string"?',
        'schema.apso.json: /entities/1/name: "task" must be PascalCase (letters and digits, starting with a capital), e.g. "Task"',
        'schema.apso.json: /entities/2/cache: must be false or an object with "itemTtl" and/or "listTtl" in seconds',
        'schema.apso.json: /entities/2/fields/0/nullabel: unknown property "nullabel"; did you mean "nullable"?',
        'schema.apso.json: /extra: unknown property "extra"',
      ],
    );
  });

  test('missing and mistyped values', () => {
    assert.deepEqual(problems({}), ['schema.apso.json: /: missing required property "entities"']);
    assert.deepEqual(
      problems({ entities: [{ name: 'A', fields: [{ name: 'x', type: 'string', nullable: 'yes' }] }] }),
      ['schema.apso.json: /entities/0/fields/0/nullable: must be a boolean, not string "yes"'],
    );
    assert.deepEqual(problems({ entities: [{ name: 'A', fields: [{ name: 'first_name', type: 'string' }] }] }), [
      'schema.apso.json: /entities/0/fields/0/name: "first_name" must be camelCase (letters and digits, starting lower-case), e.g. "firstName"',
    ]);
  });

  test('a value outside a list of allowed values gets one sentence, whatever its type', () => {
    assert.deepEqual(
      problems({
        version: '1',
        entities: [{ name: 'A', primaryKey: null, cache: true, fields: [{ name: 'x', type: 5 }] }],
      }),
      [
        'schema.apso.json: /entities/0/cache: must be false or an object with "itemTtl" and/or "listTtl" in seconds',
        'schema.apso.json: /entities/0/fields/0/type: unknown type 5; expected one of "string", "text", "email", "integer", "smallint", "bigint", "decimal", "float", "boolean", "date", "time", "timestamp", "interval", "uuid", "json", "jsonb", "enum"',
        'schema.apso.json: /entities/0/primaryKey: unknown value null; expected one of "uuid", "integer"',
        'schema.apso.json: /version: must be 1',
      ],
    );
  });
});

describe('semantic diagnostics', () => {
  test('references, collisions, options and defaults', () => {
    assert.deepEqual(
      problems({
        entities: [
          {
            name: 'Project',
            fields: [
              { name: 'name', type: 'string', length: 10, default: 'a very long default' },
              { name: 'ownerId', type: 'uuid' },
              { name: 'status', type: 'enum', values: ['a', 'b'], default: 'c' },
              { name: 'size', type: 'integer', length: 4 },
              { name: 'price', type: 'decimal', precision: 4, scale: 6 },
              { name: 'active', type: 'boolean', default: 'false' },
              { name: 'createdAt', type: 'timestamp' },
            ],
            relationships: [
              { name: 'owner', type: 'ManyToOne', target: 'Tsk' },
              { name: 'tasks', type: 'OneToMany', target: 'Task', inverse: 'title' },
            ],
            indexes: [{ fields: ['nam'] }],
          },
          { name: 'Task', fields: [{ name: 'title', type: 'string' }] },
          { name: 'Project', table: 'projects_2' },
        ],
      }),
      [
        "schema.apso.json: /entities/0/fields/0/default: is longer than the field's length 10",
        'schema.apso.json: /entities/0/fields/2/default: "c" is not one of the enum\'s values (a, b)',
        'schema.apso.json: /entities/0/fields/3/length: "length" applies to string and email fields, not integer',
        'schema.apso.json: /entities/0/fields/4/scale: scale 6 is larger than precision 4',
        'schema.apso.json: /entities/0/fields/5/default: must be true or false (not a string)',
        'schema.apso.json: /entities/0/fields/6/name: property "createdAt" clashes with one apso adds itself',
        'schema.apso.json: /entities/0/indexes/0/fields/0: "nam" is not a field or foreign-key relation of Project; did you mean "name"?',
        'schema.apso.json: /entities/0/relationships/0/target: unknown entity "Tsk"; did you mean "Task"?',
        'schema.apso.json: /entities/0/relationships/1/inverse: Task property "title" clashes with the one at /entities/1/fields/0/name',
        'schema.apso.json: /entities/2/name: entity "Project" is declared more than once',
      ],
    );
  });

  test('derived foreign-key names may not clash with fields', () => {
    assert.deepEqual(
      problems({
        entities: [
          { name: 'User' },
          {
            name: 'Note',
            fields: [{ name: 'authorId', type: 'uuid' }],
            relationships: [{ name: 'author', type: 'ManyToOne', target: 'User' }],
          },
        ],
      }),
      [
        'schema.apso.json: /entities/1/relationships/0/name: foreign-key property "authorId" clashes with the one at /entities/1/fields/0/name',
      ],
    );
  });

  test('required relations in a cycle are refused', () => {
    assert.deepEqual(
      problems({
        entities: [
          { name: 'Node', relationships: [{ name: 'parent', type: 'ManyToOne', target: 'Node', nullable: false }] },
        ],
      }),
      [
        'schema.apso.json: /entities/0/relationships/0/nullable: required relations form a cycle (Node.parent), so no row could ever be inserted; make one of them "nullable": true',
      ],
    );
  });

  test('names that would break the class or the database are refused', () => {
    const longName = `Very${'LongEntityName'.repeat(4)}`;
    assert.deepEqual(
      problems({
        entities: [
          {
            name: 'Note',
            fields: [
              { name: 'constructor', type: 'text' },
              { name: 'toJSON', type: 'text' },
            ],
          },
          { name: longName },
        ],
      }),
      [
        'schema.apso.json: /entities/0/fields/0/name: property "constructor" clashes with one apso adds itself',
        'schema.apso.json: /entities/0/fields/1/name: property "toJSON" clashes with one apso adds itself',
        `schema.apso.json: /entities/1/name: the table name "very${'_long_entity_name'.repeat(4)}s" is longer than PostgreSQL's 63 characters; set a shorter "table"`,
      ],
    );
  });

  test('a valid schema has no diagnostics', () => {
    assert.deepEqual(
      problems({ entities: [{ name: 'A', fields: [{ name: 'x', type: 'jsonb', default: { a: [1] } }] }] }),
      [],
    );
  });
});

describe('hidden and write-only fields', () => {
  const user = (fields: object[]) => ({ entities: [{ name: 'User', fields }] });

  test('a field cannot be both, and a hidden one must be nullable or have a default', () => {
    assert.deepEqual(
      problems(
        user([
          { name: 'secret', type: 'string', writeOnly: true, hidden: true, nullable: true },
          { name: 'passwordHash', type: 'string', hidden: true },
        ]),
      ),
      [
        'schema.apso.json: /entities/0/fields/0/hidden: User.secret is both "hidden" and "writeOnly"; choose one: writeOnly lets a client set it, hidden keeps it out of every request',
        'schema.apso.json: /entities/0/fields/1/hidden: User.passwordHash is hidden but neither nullable nor with a default, so no create through the API could set it; make it "nullable": true or give it a "default"',
      ],
    );
  });

  test('write-only (even required) and hidden (nullable or with a default) fields are valid, unique or indexed too', () => {
    assert.deepEqual(
      problems(
        user([
          { name: 'webhookSecret', type: 'string', writeOnly: true, unique: true },
          { name: 'passwordHash', type: 'string', hidden: true, nullable: true, index: true },
          { name: 'failedLogins', type: 'integer', hidden: true, default: 0 },
        ]),
      ),
      [],
    );
  });

  test('the options are booleans', () => {
    assert.deepEqual(problems(user([{ name: 'x', type: 'string', hidden: 'yes' }])), [
      'schema.apso.json: /entities/0/fields/0/hidden: must be a boolean, not string "yes"',
    ]);
  });
});

describe('deployment options', () => {
  const entities = [{ name: 'Task', fields: [{ name: 'title', type: 'string' }] }];

  test('the defaults add up', () => {
    assert.deepEqual(problems({ entities }), []);
    assert.deepEqual(problems({ entities, deployment: {} }), []);
  });

  test('pool sizes that do not add up are refused with the arithmetic', () => {
    assert.deepEqual(
      problems({
        entities,
        deployment: {
          replicas: { min: 12, max: 60 },
          database: { poolSize: 10, maxConnections: 50 },
          pgbouncer: { defaultPoolSize: 25, minPoolSize: 30 },
        },
      }),
      [
        'schema.apso.json: /deployment/pgbouncer/defaultPoolSize: 2 PgBouncer pods × (25 + 5 reserve) = 60 server connections, more than max_connections 50 − 10 reserved = 40',
        'schema.apso.json: /deployment/pgbouncer/maxClientConnections: 60 pods × (10 + 10) pool connections = 1200, more than max_client_conn 1000; raise it or lower replicas.max or the pool sizes',
        'schema.apso.json: /deployment/pgbouncer/minPoolSize: minPoolSize 30 is larger than defaultPoolSize 25',
      ],
    );
  });

  test('a bad quantity or an unknown key names the field', () => {
    assert.deepEqual(problems({ entities, deployment: { resources: { limits: { cpu: 'lots' } }, replica: 3 } }), [
      'schema.apso.json: /deployment/replica: unknown property "replica"; did you mean "replicas"?',
      'schema.apso.json: /deployment/resources/limits/cpu: "lots" must be a Kubernetes quantity: a number with an optional unit (250m, 1, 512Mi, 2Gi)',
    ]);
  });
});

describe('events, webhooks and jobs diagnostics', () => {
  const entities = [
    { name: 'Organization', events: ['created'] },
    { name: 'Tag' },
    { name: 'Project', events: ['created', 'updated'] },
  ];

  test('a schema publishing events to webhooks, with and without jobs settings, is valid', () => {
    const webhooks = [{ name: 'billing', events: ['Project.created', 'Organization.created'], description: 'CRM' }];
    assert.deepEqual(problems({ entities, webhooks }), []);
    assert.deepEqual(
      problems({
        entities,
        webhooks,
        jobs: { attempts: 3, rateLimit: { max: 10, durationMs: 1000 }, keepFailed: { count: 5 } },
      }),
      [],
    );
  });

  test('a topic must name an entity that publishes that event, and say where to add it', () => {
    assert.deepEqual(
      problems({
        entities,
        webhooks: [
          { name: 'billing', events: ['Project.deleted', 'Projet.created', 'Tag.updated', 'Organization.created'] },
        ],
      }),
      [
        'schema.apso.json: /webhooks/0/events/0: Project does not publish deleted: add it to entities[2].events',
        'schema.apso.json: /webhooks/0/events/1: "Projet.created" names the unknown entity "Projet"; did you mean "Project"?',
        'schema.apso.json: /webhooks/0/events/2: Tag does not publish updated: add "events": ["updated"] to entities[1]',
      ],
    );
  });

  test('a malformed topic, an event listed twice and an unknown event type are refused by their shape', () => {
    assert.deepEqual(
      problems({
        entities: [{ name: 'Project', events: ['created', 'created', 'moved'] }],
        webhooks: [{ name: 'billing', events: ['project.created', 'Project.created', 'Project.created'] }],
      }),
      [
        'schema.apso.json: /entities/0/events: "created" is listed twice (items 0 and 1); remove one',
        'schema.apso.json: /entities/0/events/2: unknown value "moved"; expected one of "created", "updated", "deleted"',
        'schema.apso.json: /webhooks/0/events: "Project.created" is listed twice (items 1 and 2); remove one',
        'schema.apso.json: /webhooks/0/events/0: "project.created" must be a topic <Entity>.<created|updated|deleted>, e.g. "Project.created"',
      ],
    );
  });

  test('webhook names must differ, and so must the variables they are read from', () => {
    const topics = ['Project.created'];
    assert.deepEqual(
      problems({
        entities,
        webhooks: [
          { name: 'billing-eu', events: topics },
          { name: 'billing-eu', events: topics },
          { name: 'billing--eu', events: topics },
        ],
      }),
      [
        'schema.apso.json: /webhooks/1/name: webhook "billing-eu" is declared more than once (also webhooks[0]); rename one or merge their events',
        'schema.apso.json: /webhooks/2/name: webhooks "billing-eu" and "billing--eu" would both read WEBHOOK_BILLING_EU_URL and WEBHOOK_BILLING_EU_SECRET; rename one',
      ],
    );
    assert.deepEqual(problems({ entities, webhooks: [{ name: 'Billing', events: topics }] }), [
      'schema.apso.json: /webhooks/0/name: "Billing" must be lower-case letters, digits and hyphens',
    ]);
  });

  test('events or jobs settings without any webhook are refused: nothing would deliver or read them', () => {
    assert.deepEqual(problems({ entities, jobs: { attempts: 3 } }), [
      'schema.apso.json: /entities/0/events: Organization publishes events, but the schema has no "webhooks" to deliver them (no worker would run and apso_events would only grow); add a webhook subscribing to them or remove "events"',
      'schema.apso.json: /entities/2/events: Project publishes events, but the schema has no "webhooks" to deliver them (no worker would run and apso_events would only grow); add a webhook subscribing to them or remove "events"',
      'schema.apso.json: /jobs: "jobs" configures webhook deliveries, but the schema has no "webhooks", so it would be ignored; add a webhook or remove "jobs"',
    ]);
  });

  test('jobs settings out of bounds, and a first backoff beyond the longest', () => {
    const webhooks = [{ name: 'billing', events: ['Project.created'] }];
    assert.deepEqual(
      problems({ entities, webhooks, jobs: { attempts: 0, concurrency: 5000, rateLimit: { max: 1 } } }),
      [
        'schema.apso.json: /jobs/attempts: must be >= 1',
        'schema.apso.json: /jobs/concurrency: must be <= 1000',
        'schema.apso.json: /jobs/rateLimit: missing required property "durationMs"',
      ],
    );
    assert.deepEqual(problems({ entities, webhooks, jobs: { backoffMs: 60000, maxBackoffMs: 1000 } }), [
      'schema.apso.json: /jobs/backoffMs: backoffMs 60000 is larger than maxBackoffMs 1000; lower it or raise maxBackoffMs',
    ]);
  });
});
