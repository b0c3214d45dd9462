import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Controller, Delete, Get, Global, Module, Patch, Post, Put, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { Counter, Registry } from 'prom-client';
import { accessOf, ACTION_OF_OPERATION, authOf } from '../../../generator/src/model/access';
import type { OperationName } from '../../../generator/src/model/types';
import type { AccessSpec } from '../../../generator/src/schema/document';
import { assertProperty } from '../../../test/support/property';
import { loadCompiled } from '../../../test/platform/support/compiled';
import type { AppConfig } from '../config/config';
import { AUTH_FAILURES } from '../metrics/metric-names';
import { ACCESS_METADATA, type AccessRule } from './access.decorator';

/**
 * The real AuthModule and AccessGuard, compiled by TypeScript: tsx cannot emit the constructor
 * metadata Nest injects the guard's Reflector by (test/platform/support/compiled.ts). APP_CONFIG is
 * a symbol, so it must come from the same compiled copy the module injects it from.
 */
const { AuthModule } = loadCompiled<typeof import('./auth.module')>('src/platform/auth/auth.module');
const { APP_CONFIG } = loadCompiled<typeof import('../config/config.module')>('src/platform/config/config.module');

/**
 * Issue 15's property test of access rules: arbitrary rule sets and arbitrary requests (no header,
 * other schemes, garbage, good and bad HS256 tokens with arbitrary roles claims) go through the real
 * AccessGuard, registered by the real AuthModule in a Nest app on Fastify, and every answer must be
 * the one a small oracle written here predicts from docs/auth.md, never from the code under test.
 * The seed is printed; ACCESS_PROPERTY_SEED / ACCESS_PROPERTY_PATH replay a failure.
 */
const FILE = 'src/platform/auth/access.property.spec.ts';
const SECRET = 'property-test-secret-0123456789abcdef';
const OTHER_SECRET = 'another-secret-of-another-service-0123';
const TOLERANCE_SECONDS = 30;
const ROLES_CLAIMS = ['roles', 'realm_access.roles', 'https://example.com/roles'] as const;
type RolesClaim = (typeof ROLES_CLAIMS)[number];

type AccessKey = 'list' | 'read' | 'create' | 'update' | 'delete';

/**
 * The oracle's own reading of docs/auth.md's table "Rules and the operations they govern", with the
 * route each generated operation answers on (a restore is an update, the deleted rows a list...).
 */
const OPERATIONS: Readonly<Record<OperationName, { key: AccessKey; method: string; path: string }>> = {
  list: { key: 'list', method: 'GET', path: '/probe' },
  listDeleted: { key: 'list', method: 'GET', path: '/probe/deleted' },
  get: { key: 'read', method: 'GET', path: '/probe/p1' },
  create: { key: 'create', method: 'POST', path: '/probe' },
  createMany: { key: 'create', method: 'POST', path: '/probe/bulk' },
  update: { key: 'update', method: 'PATCH', path: '/probe/p1' },
  replace: { key: 'update', method: 'PUT', path: '/probe/p1' },
  restore: { key: 'update', method: 'POST', path: '/probe/p1/restore' },
  remove: { key: 'delete', method: 'DELETE', path: '/probe/p1' },
  removeMany: { key: 'delete', method: 'POST', path: '/probe/bulk-delete' },
};
const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];
const ACCESS_KEYS: readonly AccessKey[] = ['list', 'read', 'create', 'update', 'delete'];

/** A generated controller's routes, each answering which operation ran; their rules are set per run. */
@Controller('probe')
class ProbeController {
  @Get()
  list() {
    return { operation: 'list' };
  }
  @Get('deleted')
  listDeleted() {
    return { operation: 'listDeleted' };
  }
  @Get(':id')
  get() {
    return { operation: 'get' };
  }
  @Post()
  create() {
    return { operation: 'create' };
  }
  @Post('bulk')
  createMany() {
    return { operation: 'createMany' };
  }
  @Patch(':id')
  update() {
    return { operation: 'update' };
  }
  @Put(':id')
  replace() {
    return { operation: 'replace' };
  }
  @Post(':id/restore')
  restore() {
    return { operation: 'restore' };
  }
  @Delete(':id')
  remove() {
    return { operation: 'remove' };
  }
  @Post('bulk-delete')
  removeMany() {
    return { operation: 'removeMany' };
  }
}

/** Sets (or, with undefined, removes) the rule the guard reads for a handler or the whole controller. */
function setRule(target: object, rule: AccessRule | undefined): void {
  if (rule === undefined) Reflect.deleteMetadata(ACCESS_METADATA, target);
  else Reflect.defineMetadata(ACCESS_METADATA, rule, target);
}

function handlerOf(operation: OperationName): object {
  return ProbeController.prototype[operation];
}

// ---- What a request carries ----

/** The value a token's roles claim holds: anything JSON can say, mostly role names. */
type ClaimValue = unknown;

type Credential =
  | { readonly kind: 'none' }
  /** An Authorization header of another scheme (or a token without `Bearer `): no token at all. */
  | { readonly kind: 'otherScheme'; readonly header: string }
  /** `Bearer` with an empty, blank or garbage token. */
  | { readonly kind: 'bearerGarbage'; readonly scheme: string; readonly token: string }
  | {
      readonly kind: 'token';
      readonly scheme: string;
      readonly defect: TokenDefect;
      readonly roles: { readonly placement: 'configured' | 'elsewhere' | 'absent'; readonly value: ClaimValue };
    };

const TOKEN_DEFECTS = [
  'none',
  'expiredWithinTolerance',
  'notYetValidWithinTolerance',
  'expired',
  'notYetValid',
  'wrongSecret',
  'algNone',
  'hs512',
  'tampered',
] as const;
type TokenDefect = (typeof TOKEN_DEFECTS)[number];

/**
 * Role names as identity providers write them (namespaced, dotted, with colons, non-ASCII, differing by
 * case), a digit string a token may hold as a number, and a name every object inherits.
 */
const ROLE_ALPHABET = [
  'admin',
  'editor',
  'Admin',
  'admin ',
  'org.admin',
  'realm:editor',
  'rôle',
  '管理者',
  'a b',
  '7',
  'constructor',
];
const role = fc.constantFrom(...ROLE_ALPHABET);

/** Role rules weigh most: they are where a token's claims decide, so where a subtly wrong guard shows. */
const rule: fc.Arbitrary<AccessRule> = fc.oneof(
  fc.constant('public' as const),
  fc.constant('authenticated' as const),
  // An empty list is no schema's (it needs one role), but the guard must then refuse every token.
  { weight: 3, arbitrary: fc.uniqueArray(role, { maxLength: 3 }).map((roles) => ({ roles })) },
);

/**
 * Names a token may hold that come close to a rule's roles without being them (case, spaces, Unicode
 * normalization, a prefix or suffix), and the roles themselves: rules compare names exactly, and
 * independent draws from the alphabet rarely land this near.
 */
function nearMisses(roles: readonly string[]): string[] {
  const variants = roles.flatMap((name) => [
    name,
    name.toUpperCase(),
    name.toLowerCase(),
    name.trim(),
    `${name} `,
    name.normalize('NFD'),
    `${name}s`,
    name.slice(0, -1),
    name.split(/[.:]/).pop() ?? name,
  ]);
  return [...new Set(variants)].filter((name) => name !== '');
}

/** What a token's roles claim may hold: mostly role names (near the rule's `required` ones too), else anything. */
function claimValueOf(required: readonly string[]): fc.Arbitrary<ClaimValue> {
  const tokenRole =
    required.length === 0 ? role : fc.oneof(role, { weight: 3, arbitrary: fc.constantFrom(...nearMisses(required)) });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(
        fc.oneof({ weight: 4, arbitrary: tokenRole }, fc.integer({ min: 0, max: 9 }), fc.constant(null)),
        {
          maxLength: 4,
        },
      ),
    },
    { weight: 2, arbitrary: tokenRole },
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.dictionary(
      fc.constantFrom(...ROLE_ALPHABET, 'roles'),
      fc.oneof(tokenRole, fc.array(tokenRole, { maxLength: 2 })),
      {
        maxKeys: 2,
      },
    ),
  );
}

const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

const bearerScheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr');
const separator = fc.constantFrom(' ', '  ', '\t');

/** A request's credential; a token's roles are drawn near `required`, the roles of the rule it meets. */
const credentialOf = (required: readonly string[]): fc.Arbitrary<Credential> =>
  fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc
      .oneof(
        fc.constantFrom('Basic dXNlcjpwYXNz', 'Digest username="u", realm="r"', 'Bearerabc', 'Bear abc', 'Token abc'),
        printable.map((value) => `Basic ${value}`),
        // A well-formed token, but not under the Bearer scheme.
        fc.constantFrom('JWT', 'Token', 'Bearer,').map((scheme) => `${scheme} VALID_TOKEN`),
      )
      .map((header) => ({ kind: 'otherScheme' as const, header })),
    fc
      .record({
        scheme: fc.tuple(bearerScheme, separator).map(([scheme, space]) => scheme + space),
        token: fc.oneof(
          fc.constantFrom('', ' ', '\t ', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.', 'two parts', 'VALID_TOKEN trailing'),
          printable,
          fc.tuple(printable, printable, printable).map((parts) => parts.join('.')),
        ),
      })
      .map(({ scheme, token }) => ({ kind: 'bearerGarbage' as const, scheme, token })),
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('token' as const),
        scheme: fc.tuple(bearerScheme, separator).map(([scheme, space]) => scheme + space),
        defect: fc.oneof({ weight: 3, arbitrary: fc.constant('none' as const) }, fc.constantFrom(...TOKEN_DEFECTS)),
        roles: fc.record({
          placement: fc.oneof(
            { weight: 4, arbitrary: fc.constant('configured' as const) },
            fc.constantFrom('elsewhere' as const, 'absent' as const),
          ),
          value: claimValueOf(required),
        }),
      }),
    },
  );

function rolesOf(rule: AccessRule | undefined): readonly string[] {
  return typeof rule === 'object' ? rule.roles : [];
}

// ---- The oracle ----

type Outcome =
  | { readonly status: 'pass' }
  | { readonly status: 401; readonly challenge: 'bare' | 'invalid_token'; readonly reason: string }
  | { readonly status: 403; readonly reason: 'forbidden' };

/** The roles docs/auth.md says a token grants: the claim's strings, or a lone string as one role. */
function grantedRoles(roles: Extract<Credential, { kind: 'token' }>['roles']): string[] {
  if (roles.placement !== 'configured') return [];
  if (typeof roles.value === 'string') return [roles.value];
  return Array.isArray(roles.value) ? roles.value.filter((value): value is string => typeof value === 'string') : [];
}

const INVALID_REASON: Record<TokenDefect, string | null> = {
  none: null,
  expiredWithinTolerance: null,
  notYetValidWithinTolerance: null,
  expired: 'expired',
  notYetValid: 'not_yet_valid',
  wrongSecret: 'invalid',
  algNone: 'invalid',
  hs512: 'invalid',
  tampered: 'invalid',
};

function expectedOutcome(rule: AccessRule, request: Credential): Outcome {
  if (rule === 'public') return { status: 'pass' };
  if (request.kind === 'none' || request.kind === 'otherScheme')
    return { status: 401, challenge: 'bare', reason: 'missing' };
  if (request.kind === 'bearerGarbage') return { status: 401, challenge: 'invalid_token', reason: 'invalid' };
  const invalid = INVALID_REASON[request.defect];
  if (invalid !== null) return { status: 401, challenge: 'invalid_token', reason: invalid };
  if (rule === 'authenticated') return { status: 'pass' };
  const granted = grantedRoles(request.roles);
  return rule.roles.some((needed) => granted.includes(needed))
    ? { status: 'pass' }
    : { status: 403, reason: 'forbidden' };
}

// ---- Building the request ----

const now = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const key = (secret: string) => new TextEncoder().encode(secret);

/** Where the roles go in the payload: where the app's rolesClaim points, or somewhere it does not. */
function rolesClaims(
  claim: RolesClaim,
  roles: Extract<Credential, { kind: 'token' }>['roles'],
): Record<string, unknown> {
  if (roles.placement === 'absent') return {};
  if (roles.placement === 'elsewhere')
    return claim === 'roles' ? { realm_access: { roles: roles.value } } : { roles: roles.value };
  if (claim === 'realm_access.roles') return { realm_access: { roles: roles.value } };
  return { [claim]: roles.value };
}

async function tokenFor(claim: RolesClaim, request: Extract<Credential, { kind: 'token' }>): Promise<string> {
  const time = now();
  const claims: Record<string, unknown> = {
    sub: 'user-1',
    iat: time,
    exp: time + 600,
    ...rolesClaims(claim, request.roles),
  };
  const sign = (payload: Record<string, unknown>, alg = 'HS256', secret = SECRET) =>
    new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key(secret));
  switch (request.defect) {
    case 'none':
      return sign(claims);
    case 'expiredWithinTolerance':
      return sign({ ...claims, exp: time - (TOLERANCE_SECONDS - 10) });
    case 'notYetValidWithinTolerance':
      return sign({ ...claims, nbf: time + (TOLERANCE_SECONDS - 10) });
    case 'expired':
      return sign({ ...claims, iat: time - 7200, exp: time - TOLERANCE_SECONDS - 10 });
    case 'notYetValid':
      return sign({ ...claims, nbf: time + TOLERANCE_SECONDS + 10 });
    case 'wrongSecret':
      return sign(claims, 'HS256', OTHER_SECRET);
    case 'algNone':
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    case 'hs512':
      return sign(claims, 'HS512');
    case 'tampered': {
      // A genuine signature over other claims, with a payload granting every role swapped in.
      const [header, , signature] = (await sign(claims)).split('.');
      const forged = { ...claims, ...rolesClaims(claim, { placement: 'configured', value: ROLE_ALPHABET }) };
      return `${header}.${base64url(forged)}.${signature}`;
    }
  }
}

/** The Authorization header, and the token in it that must never come back (when long enough to tell). */
async function authorization(claim: RolesClaim, request: Credential): Promise<{ header?: string; secret?: string }> {
  switch (request.kind) {
    case 'none':
      return {};
    case 'otherScheme': {
      if (!request.header.includes('VALID_TOKEN')) return { header: request.header };
      const token = await tokenFor(claim, {
        kind: 'token',
        scheme: '',
        defect: 'none',
        roles: { placement: 'configured', value: ROLE_ALPHABET },
      });
      return { header: request.header.replace('VALID_TOKEN', token), secret: token };
    }
    case 'bearerGarbage': {
      const token = request.token.includes('VALID_TOKEN')
        ? request.token.replace(
            'VALID_TOKEN',
            await tokenFor(claim, {
              kind: 'token',
              scheme: '',
              defect: 'none',
              roles: { placement: 'absent', value: null },
            }),
          )
        : request.token;
      return { header: request.scheme + token, ...(token.trim().length >= 12 ? { secret: token.trim() } : {}) };
    }
    case 'token': {
      const token = await tokenFor(claim, request);
      return { header: request.scheme + token, secret: token };
    }
  }
}

// ---- The apps ----

interface ProbeApp {
  readonly app: NestFastifyApplication;
  readonly failures: Counter<'reason'>;
}

/** A Nest app on Fastify with the real AuthModule (global AccessGuard, TokenVerifier) around ProbeController. */
async function probeApp(rolesClaim: RolesClaim): Promise<ProbeApp> {
  const failures = new Counter({
    ...AUTH_FAILURES,
    labelNames: [...AUTH_FAILURES.labelNames],
    registers: [new Registry()],
  });
  const config = { auth: { kind: 'secret', secret: SECRET } } as unknown as AppConfig;
  @Global()
  @Module({
    providers: [
      { provide: APP_CONFIG, useValue: config },
      { provide: getToken(AUTH_FAILURES.name), useValue: failures },
    ],
    exports: [APP_CONFIG, getToken(AUTH_FAILURES.name)],
  })
  class ProbeInfrastructure {}
  @Module({
    imports: [ProbeInfrastructure, AuthModule.forRoot({ rolesClaim, clockToleranceSeconds: TOLERANCE_SECONDS })],
    controllers: [ProbeController],
  })
  class ProbeModule {}
  const app = await NestFactory.create<NestFastifyApplication>(ProbeModule as Type, new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, failures };
}

async function failureCounts(counter: Counter<'reason'>): Promise<Map<string, number>> {
  const { values } = await counter.get();
  return new Map(values.map(({ labels, value }) => [String(labels.reason), value]));
}

describe('access rules: arbitrary rule sets and requests through the real AccessGuard (fast-check)', () => {
  const apps = new Map<RolesClaim, ProbeApp>();
  /** The outcomes the runs of a property led to: each must occur, or the generators cannot find a wrong one. */
  const seen = new Set<string>();
  const EVERY_OUTCOME = ['pass', '401 bare', '401 invalid_token', '403'];
  function assertEveryOutcome(prefix: string): void {
    // A replay of one shrunk path runs once; only a full run must meet them all.
    if (process.env[`${prefix}_PATH`] !== undefined) return;
    assert.deepEqual([...seen].sort(), [...EVERY_OUTCOME].sort(), 'the runs led to every kind of answer');
  }

  before(async () => {
    for (const claim of ROLES_CLAIMS) apps.set(claim, await probeApp(claim));
  });

  after(async () => {
    for (const { app } of apps.values()) await app.close();
    for (const operation of OPERATION_NAMES) setRule(handlerOf(operation), undefined);
    setRule(ProbeController, undefined);
  });

  /** Sends the request and checks the answer against the oracle's outcome for `rule` (the effective one). */
  async function checkRequest(
    claim: RolesClaim,
    operation: OperationName,
    request: Credential,
    rule: AccessRule,
    asHead = false,
  ) {
    const { app, failures } = apps.get(claim)!;
    const { header, secret } = await authorization(claim, request);
    const before = await failureCounts(failures);
    const { path } = OPERATIONS[operation];
    // Fastify answers HEAD on every GET route by itself: the guard must not be skipped there either.
    const method = asHead && OPERATIONS[operation].method === 'GET' ? 'HEAD' : OPERATIONS[operation].method;
    const answer = await app.inject({
      method: method as 'GET',
      url: path,
      headers: header === undefined ? {} : { authorization: header },
      ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { payload: {} } : {}),
    });
    const expected = expectedOutcome(rule, request);
    seen.add(expected.status === 401 ? `401 ${expected.challenge}` : String(expected.status));
    const what = `${method} ${path} under ${JSON.stringify(rule)} with ${JSON.stringify(header ?? null)}: ${answer.statusCode} ${answer.body}`;
    const after = await failureCounts(failures);
    if (expected.status === 'pass') {
      assert.ok(answer.statusCode >= 200 && answer.statusCode < 300, what);
      if (method !== 'HEAD') assert.deepEqual(answer.json(), { operation }, what);
      assert.deepEqual(after, before, `a request let through is no auth failure: ${what}`);
    } else {
      assert.equal(answer.statusCode, expected.status, what);
      const challenge = answer.headers['www-authenticate'];
      if (expected.status === 401 && expected.challenge === 'bare') assert.equal(challenge, 'Bearer', what);
      else if (expected.status === 401)
        assert.match(String(challenge), /^Bearer error="invalid_token", error_description="[^"]+"$/, what);
      else assert.equal(challenge, undefined, what);
      if (method !== 'HEAD') assert.equal(answer.json().status, expected.status, `a problem body: ${what}`);
      const counted = (after.get(expected.reason) ?? 0) - (before.get(expected.reason) ?? 0);
      assert.equal(counted, 1, `auth_failures_total{reason="${expected.reason}"} counted once: ${what}`);
    }
    if (secret !== undefined) {
      const echoed = [answer.body, ...Object.values(answer.headers).map(String)].filter((text) =>
        text.includes(secret),
      );
      assert.deepEqual(echoed, [], `the token is never echoed: ${what}`);
    }
  }

  test('every answer is the one the oracle predicts from the rule set and the request', async (t) => {
    const ruleSet = fc.record(
      {
        byKey: fc.record(
          Object.fromEntries(ACCESS_KEYS.map((k) => [k, fc.option(rule, { nil: undefined })])) as {
            [K in AccessKey]: fc.Arbitrary<AccessRule | undefined>;
          },
          { noNullPrototype: true },
        ),
        controller: fc.option(rule, { nil: undefined, freq: 3 }),
      },
      { requiredKeys: ['byKey', 'controller'], noNullPrototype: true },
    );
    seen.clear();
    await assertProperty(
      t,
      { prefix: 'ACCESS_PROPERTY', runs: 1_000, file: FILE },
      fc.asyncProperty(
        fc
          .tuple(ruleSet, fc.constantFrom(...OPERATION_NAMES))
          .chain(([rules, operation]) =>
            fc.tuple(
              fc.constant(rules),
              fc.constant(operation),
              credentialOf(rolesOf(rules.byKey[OPERATIONS[operation].key] ?? rules.controller)),
              fc.constantFrom(...ROLES_CLAIMS),
              fc.boolean(),
            ),
          ),
        async ([{ byKey, controller }, operation, request, claim, asHead]) => {
          // A handler with no rule of its own falls back on its controller's; with neither, fail closed.
          for (const name of OPERATION_NAMES) setRule(handlerOf(name), byKey[OPERATIONS[name].key]);
          setRule(ProbeController, controller);
          const effective = byKey[OPERATIONS[operation].key] ?? controller ?? 'authenticated';
          await checkRequest(claim, operation, request, effective, asHead);
        },
      ),
    );
    assertEveryOutcome('ACCESS_PROPERTY');
  });

  test("the generator's rules (accessOf) enforced by the guard answer as the schema's access spec says", async (t) => {
    const auth = authOf({ jwt: { rolesClaim: 'roles' } })!;
    setRule(ProbeController, undefined);
    seen.clear();
    await assertProperty(
      t,
      { prefix: 'ACCESS_MODEL_GUARD', runs: 500, file: FILE },
      fc.asyncProperty(
        fc
          .tuple(accessSpec, fc.constantFrom(...OPERATION_NAMES))
          .chain(([spec, operation]) =>
            fc.tuple(fc.constant(spec), fc.constant(operation), credentialOf(rolesOf(spec[OPERATIONS[operation].key]))),
          ),
        async ([spec, operation, request]) => {
          // As the generated controller does: each handler carries @Access(accessOf(...)).
          for (const name of OPERATION_NAMES) setRule(handlerOf(name), accessOf(auth, spec, name) ?? undefined);
          const written = spec[OPERATIONS[operation].key];
          await checkRequest('roles', operation, request, written ?? 'authenticated');
        },
      ),
    );
    assertEveryOutcome('ACCESS_MODEL_GUARD');
  });
});

/** An entity's `access` as a schema may write it: any subset of the keys, role lists of one or more names. */
const schemaRule: fc.Arbitrary<AccessRule> = fc.oneof(
  fc.constant('public' as const),
  fc.constant('authenticated' as const),
  fc.uniqueArray(role, { minLength: 1, maxLength: 4 }).map((roles) => ({ roles })),
);
const accessSpec: fc.Arbitrary<AccessSpec> = fc.record(
  Object.fromEntries(ACCESS_KEYS.map((k) => [k, schemaRule])) as { [K in AccessKey]: fc.Arbitrary<AccessRule> },
  { requiredKeys: [], noNullPrototype: true },
) as fc.Arbitrary<AccessSpec>;

describe('the generator model of access rules (accessOf) against the documented table', () => {
  test('ACTION_OF_OPERATION names exactly the ten operations, each under the key docs/auth.md gives', () => {
    const documented = Object.fromEntries(OPERATION_NAMES.map((name) => [name, OPERATIONS[name].key]));
    assert.deepEqual({ ...ACTION_OF_OPERATION }, documented);
  });

  test("for any access spec, each operation gets its key's rule, a missing one `authenticated`, none without auth", async (t) => {
    await assertProperty(
      t,
      { prefix: 'ACCESS_MODEL', runs: 2_000, file: FILE },
      fc.property(accessSpec, fc.boolean(), (spec, withAuth) => {
        const auth = withAuth ? authOf({}) : null;
        for (const operation of OPERATION_NAMES) {
          const rule = accessOf(auth, spec, operation);
          const expected = withAuth ? (spec[OPERATIONS[operation].key] ?? 'authenticated') : null;
          assert.deepEqual(rule, expected, `${operation} under ${JSON.stringify(spec)}`);
          // The generated code owns its copy: emitting it cannot change the schema's spec.
          const written = spec[OPERATIONS[operation].key];
          if (typeof rule === 'object' && rule !== null && typeof written === 'object')
            assert.notEqual(rule.roles, written.roles);
        }
      }),
    );
  });
});
