import { z } from 'zod';

/**
 * The one definition of the `schema.apso.json` format. The TypeScript types (document.ts) are
 * inferred from it, the JSON Schema that ajv and editors use (json-schema.ts, apso.schema.json) is
 * derived from it, and schema.spec.ts fails while docs/schema.md leaves any of it undocumented.
 *
 * Objects that carry a meta `id` become named definitions in the JSON Schema; the descriptions are
 * what editors show on hover.
 */

export const FIELD_TYPES = [
  'string',
  'text',
  'email',
  'integer',
  'smallint',
  'bigint',
  'decimal',
  'float',
  'boolean',
  'date',
  'time',
  'timestamp',
  'interval',
  'uuid',
  'json',
  'jsonb',
  'enum',
] as const;

export const RELATION_TYPES = ['ManyToOne', 'OneToMany', 'OneToOne', 'ManyToMany'] as const;

export const ON_DELETE_ACTIONS = ['CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION'] as const;

export const PRIMARY_KEY_TYPES = ['uuid', 'integer'] as const;

export const ENTITY_EVENT_TYPES = ['created', 'updated', 'deleted'] as const;

// zod has no array check that exports to JSON Schema's uniqueItems; ajv, which validates, reads it from here.
const UNIQUE_ITEMS = { uniqueItems: true };

const pascalCaseName = z
  .string()
  .regex(/^[A-Z][A-Za-z0-9]*$/)
  .max(60);
const camelCaseName = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]*$/)
  .max(60);
/** A field's property: camelCase, or (with `api.propertyNames: "asWritten"`) snake_case or any spelling of letters, digits and underscores. */
const fieldName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/)
  .max(60);
const sqlIdentifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/)
  .max(63);

// Not z.json(), whose JSON Schema hides behind an unnamed `__schema0` definition. Annotated because a
// recursive schema cannot infer its own type; zod's JSONType is exactly JSON.
export const jsonValueSchema: z.ZodType<z.core.util.JSONType, z.core.util.JSONType> = z
  .union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.lazy(() => jsonValueSchema)),
    z.record(
      z.string(),
      z.lazy(() => jsonValueSchema),
    ),
  ])
  .meta({ id: 'jsonValue', description: 'Any JSON value.' });

export const cacheSchema = z
  .strictObject({
    itemTtl: z.int().min(1).default(60).describe('Seconds a GET /:id answer stays cached.'),
    listTtl: z.int().min(1).default(10).describe('Seconds a list answer stays cached.'),
  })
  .meta({ id: 'cache', description: 'Seconds GET answers stay in Redis.' });

export const fieldSchema = z
  .strictObject({
    name: fieldName.describe(
      'The property: camelCase, unless api.propertyNames is asWritten; the column is its snake_case form.',
    ),
    type: z.enum(FIELD_TYPES).describe("Decides the column type and the field's JSON in requests and responses."),
    description: z.string().optional().describe('Doc comment on the property.'),
    nullable: z.boolean().default(false).describe('Whether the column accepts NULL.'),
    unique: z.boolean().default(false).describe('A unique index on this column alone.'),
    index: z.boolean().default(false).describe('An index on this column alone.'),
    default: z
      .union([z.strictObject({ sql: z.string().describe('A database expression, e.g. now().') }), jsonValueSchema])
      .optional()
      .describe('A literal value of the field\'s type, or { "sql": "now()" } for a database expression.'),
    length: z
      .int()
      .min(1)
      .max(10485760)
      .optional()
      .describe('Maximum length of a string (default 255) or email (default 320).'),
    precision: z.int().min(1).max(1000).optional().describe('Total digits of a decimal (default 10).'),
    scale: z.int().min(0).max(1000).optional().describe('Digits after the decimal point (default 2).'),
    values: z
      .array(z.string().min(1).max(63))
      .min(1)
      .meta(UNIQUE_ITEMS)
      .optional()
      .describe('The allowed values of an enum.'),
    writeOnly: z
      .boolean()
      .default(false)
      .describe(
        'A client may set it (create, replace, update, bulk create) but no answer carries it, e.g. a webhook signing secret; not sortable, filterable or selectable.',
      ),
    hidden: z
      .boolean()
      .default(false)
      .describe(
        'No request may carry it and no answer carries it: only user code (a service) sets and reads it, e.g. a password hash. Must be nullable or have a default.',
      ),
  })
  .meta({ id: 'field', description: 'A column of the table and a property of every API shape.' });

export const relationshipSchema = z
  .strictObject({
    name: camelCaseName.describe('The property on this entity, e.g. organization or tasks.'),
    type: z.enum(RELATION_TYPES).describe('Which side holds the foreign key; ManyToMany uses a join table.'),
    target: pascalCaseName.describe("The related entity's name."),
    inverse: camelCaseName.optional().describe('The property on the target pointing back.'),
    nullable: z.boolean().default(true).describe('Whether the foreign key may be null.'),
    onDelete: z
      .enum(ON_DELETE_ACTIONS)
      .default('NO ACTION')
      .describe('What deleting the referenced row does to this one; NO ACTION answers 409.'),
    joinTable: sqlIdentifier.optional().describe("ManyToMany only: the join table's name."),
  })
  .meta({ id: 'relationship', description: 'A relation to another entity (or this one), declared on one side.' });

export const indexSchema = z
  .strictObject({
    name: sqlIdentifier.optional().describe('Defaults to <table>_<columns>_idx, or _key when unique.'),
    fields: z
      .array(z.string())
      .min(1)
      .meta(UNIQUE_ITEMS)
      .describe('Fields or relations (meaning their foreign key), in index order.'),
    unique: z.boolean().default(false).describe('A unique index.'),
    where: z.string().min(1).optional().describe('Partial index predicate in SQL over column names.'),
  })
  .meta({ id: 'index', description: 'An index beyond the ones apso adds itself.' });

export const ACCESS_LEVELS = ['public', 'authenticated'] as const;

export const accessRuleSchema = z
  .xor([
    z.enum(ACCESS_LEVELS),
    z.strictObject({
      roles: z
        .array(z.string().min(1).max(200))
        .min(1)
        .meta(UNIQUE_ITEMS)
        .describe("Any one of these roles, read from the token's roles claim, grants the operation."),
    }),
  ])
  .meta({
    id: 'accessRule',
    description:
      'public: anyone; authenticated: any valid token; { "roles": [...] }: a valid token with one of the roles.',
  });

export const accessSchema = z
  .strictObject({
    list: accessRuleSchema.optional().describe('GET / and GET /deleted.'),
    read: accessRuleSchema.optional().describe('GET /:id.'),
    create: accessRuleSchema.optional().describe('POST / and POST /bulk.'),
    update: accessRuleSchema.optional().describe('PATCH /:id, PUT /:id and POST /:id/restore.'),
    delete: accessRuleSchema.optional().describe('DELETE /:id and POST /bulk-delete.'),
  })
  .meta({
    id: 'access',
    description:
      'Who may call each operation of the entity; one left out is authenticated (requires a top-level auth).',
  });

/** A claim name, or a dotted path into nested claims. */
export const claimName = z
  .string()
  .regex(/^[A-Za-z0-9_:/$-]+(\.[A-Za-z0-9_:/$-]+)*$/)
  .max(200);

export const jwtSchema = z
  .strictObject({
    rolesClaim: claimName
      .default('roles')
      .describe(
        "The claim holding the caller's roles (an array of strings): a claim of that exact name (https://example.com/roles), else a dotted path into objects (realm_access.roles).",
      ),
    clockToleranceSeconds: z
      .int()
      .min(0)
      .max(300)
      .default(30)
      .describe('Leeway for exp and nbf, for clocks that disagree.'),
    issuer: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('The iss a token must carry, unless AUTH_JWT_ISSUER says otherwise.'),
    audience: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('The aud a token must carry, unless AUTH_JWT_AUDIENCE says otherwise.'),
    jwksUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/?#@]+(\/[^\s#]*)?$/)
      .max(2000)
      .optional()
      .describe(
        "The identity provider's key set (RS256, ES256), unless AUTH_JWKS_URL or AUTH_JWT_SECRET says otherwise.",
      ),
  })
  .meta({
    id: 'jwt',
    description:
      'Bearer JWTs; the key set, issuer and audience may be named here, and the environment overrides them (docs/auth.md).',
  });

export const apiKeySchema = z
  .strictObject({
    header: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/)
      .max(100)
      .default('x-api-key')
      .describe('The request header carrying the key.'),
  })
  .meta({
    id: 'apiKey',
    description:
      'API keys as well as tokens: each key is stored as its SHA-256 hash with the claims it grants, in a file the environment names (docs/auth.md).',
  });

export const authSchema = z
  .strictObject({
    jwt: jwtSchema
      .default({ rolesClaim: 'roles', clockToleranceSeconds: 30 })
      .describe('How bearer tokens are read; the keys come from the environment.'),
    apiKey: apiKeySchema.optional().describe('Also accept API keys, in a header.'),
  })
  .meta({
    id: 'auth',
    description: 'Turns authentication on: every operation then needs a valid token unless its access rule is public.',
  });

export const scopeSchema = z
  .strictObject({
    by: z
      .string()
      .min(1)
      .describe(
        "The field, or the many-to-one relation (meaning its foreign key), that holds each row's tenant or owner.",
      ),
    claim: claimName.describe("The token claim holding the caller's tenant or owner (org_id, sub)."),
  })
  .meta({
    id: 'scope',
    description:
      "Row scoping: every operation sees and writes only the rows whose `by` equals the token's `claim`; needs a top-level auth.",
  });

export const entitySchema = z
  .strictObject({
    name: pascalCaseName.describe('PascalCase singular class name, e.g. TaskComment.'),
    table: sqlIdentifier.optional().describe('Table name; defaults to the snake_case plural of the name.'),
    description: z.string().optional().describe('Doc comment on the entity.'),
    path: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/)
      .max(100)
      .optional()
      .describe('The route path; defaults to the kebab-case plural of the name (TaskComment → task-comments).'),
    primaryKey: z
      .enum(PRIMARY_KEY_TYPES)
      .default('uuid')
      .describe('uuid (gen_random_uuid()) or integer identity; the property is always id.'),
    timestamps: z.boolean().default(true).describe('created_at and updated_at columns.'),
    softDelete: z.boolean().default(false).describe('A deleted_at column; DELETE hides rows.'),
    versioned: z.boolean().default(false).describe('A version column for optimistic locking.'),
    cache: z
      .xor([z.literal(false), cacheSchema])
      .optional()
      .describe('Redis cache of GET answers; false turns it off.'),
    fields: z.array(fieldSchema).optional().describe('Columns, in order.'),
    relationships: z.array(relationshipSchema).optional().describe('Relations, each declared on one side only.'),
    indexes: z.array(indexSchema).optional().describe('Indexes beyond the ones apso adds itself.'),
    access: accessSchema.optional().describe('Who may call each operation; needs a top-level auth.'),
    scope: z
      .xor([z.literal(false), scopeSchema])
      .optional()
      .describe(
        'Whose rows a caller sees and writes; needs a top-level auth. false: the rows are shared by every tenant on purpose, even though they belong to scoped rows.',
      ),
    events: z
      .array(z.enum(ENTITY_EVENT_TYPES))
      .min(1)
      .meta(UNIQUE_ITEMS)
      .optional()
      .describe(
        "The events its writes publish (topics <Entity>.created, .updated, .deleted), recorded in the write's transaction and delivered to the webhooks subscribing to them.",
      ),
  })
  .meta({ id: 'entity', description: 'A table, its TypeORM entity and its REST resource.' });

export const PROPERTY_NAMES = ['camelCase', 'asWritten'] as const;
export const DECIMAL_INPUTS = ['string', 'stringOrNumber'] as const;
export const READ_ONLY_INPUTS = ['reject', 'ignore'] as const;

export const apiSchema = z
  .strictObject({
    propertyNames: z
      .enum(PROPERTY_NAMES)
      .default('camelCase')
      .describe(
        "camelCase: field names must be camelCase and apso's own properties are createdAt, updatedAt, deletedAt. asWritten: field names are used as written (first_name) and apso's own properties are created_at, updated_at, deleted_at.",
      ),
    decimals: z
      .enum(DECIMAL_INPUTS)
      .default('string')
      .describe(
        'What a request body may send for a decimal: a string ("21.50"), or also a JSON number (21.5). Responses always carry strings.',
      ),
    readOnlyInput: z
      .enum(READ_ONLY_INPUTS)
      .default('reject')
      .describe('id and the timestamps in a request body: a 400 (reject), or left out of the write (ignore).'),
  })
  .meta({
    id: 'api',
    description: "The request and response conventions; an imported .apsorc gets the APSO CLI's (see docs/apsorc.md).",
  });

const kubernetesQuantity = (example: string) =>
  z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/)
    .describe(`A Kubernetes quantity, e.g. ${example}.`);

const resourceAmountsSchema = (cpu: string, memory: string) =>
  z.strictObject({
    cpu: kubernetesQuantity(cpu).default(cpu),
    memory: kubernetesQuantity(memory).default(memory),
  });

export const deploymentSchema = z
  .strictObject({
    image: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._/:@-]*$/)
      .max(255)
      .optional()
      .describe('The container image the manifests run; defaults to <name>:latest.'),
    replicas: z
      .strictObject({
        min: z
          .int()
          .min(1)
          .max(1000)
          .default(2)
          .describe('Fewest API pods; at least 2 keeps the service up through a node drain.'),
        max: z.int().min(1).max(1000).default(10).describe('Most API pods the autoscaler may run.'),
      })
      .default({ min: 2, max: 10 })
      .describe('The HorizontalPodAutoscaler bounds.'),
    autoscaling: z
      .strictObject({
        cpuUtilization: z.int().min(1).max(100).default(70).describe('Target average CPU, percent of the request.'),
        memoryUtilization: z
          .int()
          .min(1)
          .max(100)
          .default(80)
          .describe('Target average memory, percent of the request.'),
        scaleDownStabilizationSeconds: z
          .int()
          .min(0)
          .max(3600)
          .default(300)
          .describe('How long load must stay low before pods are removed.'),
      })
      .default({ cpuUtilization: 70, memoryUtilization: 80, scaleDownStabilizationSeconds: 300 })
      .describe('The HorizontalPodAutoscaler targets.'),
    resources: z
      .strictObject({
        requests: resourceAmountsSchema('250m', '256Mi').default({ cpu: '250m', memory: '256Mi' }),
        limits: resourceAmountsSchema('1', '512Mi').default({ cpu: '1', memory: '512Mi' }),
      })
      .default({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } })
      .describe('CPU and memory of one API pod.'),
    database: z
      .strictObject({
        name: z
          .string()
          .regex(/^[a-z_][a-z0-9_]*$/)
          .max(63)
          .default('app')
          .describe('The PostgreSQL database the service uses, on the primary and the replica.'),
        poolSize: z
          .int()
          .min(1)
          .max(1000)
          .default(10)
          .describe('Connections one pod opens to the primary (DB_POOL_MAX).'),
        replicaPoolSize: z
          .int()
          .min(1)
          .max(1000)
          .default(10)
          .describe('Connections one pod opens to the replica (DB_REPLICA_POOL_MAX).'),
        maxConnections: z.int().min(10).max(100000).default(100).describe("PostgreSQL's max_connections."),
        reservedConnections: z
          .int()
          .min(0)
          .max(1000)
          .default(10)
          .describe('Connections kept free for migrations, administrators and monitoring.'),
        statementTimeoutMs: z
          .int()
          .min(0)
          .max(3600000)
          .default(15000)
          .describe('The longest a statement may run before PostgreSQL cancels it (0: no limit).'),
      })
      .default({
        name: 'app',
        poolSize: 10,
        replicaPoolSize: 10,
        maxConnections: 100,
        reservedConnections: 10,
        statementTimeoutMs: 15000,
      })
      .describe('Database connections and their bounds.'),
    pgbouncer: z
      .strictObject({
        replicas: z.int().min(1).max(100).default(2).describe('PgBouncer pods; each holds its own server pools.'),
        maxClientConnections: z.int().min(1).max(100000).default(1000).describe('max_client_conn of one PgBouncer.'),
        defaultPoolSize: z
          .int()
          .min(1)
          .max(10000)
          .default(20)
          .describe('Server connections per database of one PgBouncer.'),
        minPoolSize: z.int().min(0).max(10000).default(5).describe('Server connections kept open when idle.'),
        reservePoolSize: z.int().min(0).max(10000).default(5).describe('Extra server connections for a burst.'),
      })
      .default({ replicas: 2, maxClientConnections: 1000, defaultPoolSize: 20, minPoolSize: 5, reservePoolSize: 5 })
      .describe('The transaction-pooling PgBouncer between the pods and PostgreSQL.'),
    shutdownDrainSeconds: z
      .int()
      .min(0)
      .max(600)
      .default(10)
      .describe('How long a stopping pod keeps answering while load balancers take it out (SHUTDOWN_DRAIN_MS).'),
  })
  .meta({
    id: 'deployment',
    description:
      'How the service runs: container, Kubernetes autoscaling, resources, database pools and PgBouncer (docs/deploy.md).',
  });

export const webhookSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .max(40)
      .describe(
        'Lowercase letters, digits and -, e.g. billing; the URL and signing secret come from WEBHOOK_<NAME>_URL and WEBHOOK_<NAME>_SECRET (billing-eu → WEBHOOK_BILLING_EU_URL).',
      ),
    events: z
      .array(z.string().regex(/^[A-Z][A-Za-z0-9]*\.(created|updated|deleted)$/))
      .min(1)
      .meta(UNIQUE_ITEMS)
      .describe('Topics it receives, <Entity>.<created|updated|deleted>; the entity must publish the event.'),
    description: z.string().max(500).optional().describe('What the subscriber does with the events.'),
  })
  .meta({ id: 'webhook', description: 'An HTTP endpoint receiving entity events, signed, retried with backoff.' });

const retentionSchema = (ageSeconds: number, count: number) =>
  z
    .strictObject({
      ageSeconds: z.int().min(1).max(31536000).default(ageSeconds).describe('Seconds a job is kept.'),
      count: z.int().min(1).max(1000000).default(count).describe('Jobs kept at most.'),
    })
    .default({ ageSeconds, count });

export const jobsSchema = z
  .strictObject({
    attempts: z
      .int()
      .min(1)
      .max(100)
      .default(8)
      .describe('Delivery attempts of one event to one webhook, the first included; then the dead-letter queue.'),
    backoffMs: z
      .int()
      .min(10)
      .max(3600000)
      .default(1000)
      .describe('Delay before the first retry; each later one doubles, with jitter, up to maxBackoffMs.'),
    maxBackoffMs: z.int().min(10).max(86400000).default(3600000).describe('The longest delay between two attempts.'),
    timeoutMs: z
      .int()
      .min(100)
      .max(120000)
      .default(10000)
      .describe("The longest wait for one delivery attempt's response."),
    concurrency: z.int().min(1).max(1000).default(10).describe('Deliveries one worker process runs at once.'),
    rateLimit: z
      .strictObject({
        max: z.int().min(1).max(100000).describe('Deliveries started at most per durationMs.'),
        durationMs: z.int().min(1).max(3600000).describe('The window of the limit, in milliseconds.'),
      })
      .optional()
      .describe('At most max deliveries started per durationMs, over every worker; absent: no limit.'),
    keepCompleted: retentionSchema(86400, 1000).describe(
      'How long delivered jobs stay visible, whichever limit comes first.',
    ),
    keepFailed: retentionSchema(604800, 10000).describe(
      'How long failed jobs and dead letters stay, whichever limit comes first.',
    ),
  })
  .meta({ id: 'jobs', description: 'How webhook deliveries are retried, limited and kept (docs/schema.md).' });

export const schemaDocumentSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to apso.schema.json, for editors.'),
    version: z.literal(1).optional().describe('Format version of this file.'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .optional()
      .describe('The service name, used for the package name and the OpenAPI title.'),
    api: apiSchema.optional().describe("Request and response conventions; apso's own when absent."),
    entities: z.array(entitySchema).min(1).describe('At least one entity.'),
    deployment: deploymentSchema.optional().describe('Deployment options; every one has a default.'),
    auth: authSchema.optional().describe('Authentication; without it every operation is public.'),
    webhooks: z
      .array(webhookSchema)
      .optional()
      .describe('Endpoints receiving entity events; with any, a worker process delivers them (npm run start:worker).'),
    jobs: jobsSchema.optional().describe('Retries, limits and retention of webhook deliveries; needs webhooks.'),
  })
  .meta({
    $id: 'https://apso.dev/schema/apso.schema.json',
    title: 'apso schema',
    description:
      'Entities, fields, relationships and indexes that `apso generate` turns into a NestJS backend. See docs/schema.md.',
  });
