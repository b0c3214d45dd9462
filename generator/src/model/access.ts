import type { AccessSpec, AuthSpec } from '../schema/document';
import type { AccessRule, AuthModel, EntityModel, OperationName } from './types';

/** The schema's access keys: what a rule in `access` is written against. */
export type AccessAction = 'list' | 'read' | 'create' | 'update' | 'delete';

/**
 * Which access key governs each operation: reads of live and deleted rows are lists, a restore is a
 * write to the row (it brings it back as it was), and a batch is the operation it repeats.
 */
export const ACTION_OF_OPERATION: Readonly<Record<OperationName, AccessAction>> = {
  list: 'list',
  listDeleted: 'list',
  get: 'read',
  create: 'create',
  createMany: 'create',
  update: 'update',
  replace: 'update',
  restore: 'update',
  remove: 'delete',
  removeMany: 'delete',
};

const DEFAULT_ROLES_CLAIM = 'roles';
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
const DEFAULT_API_KEY_HEADER = 'x-api-key';

export function authOf(auth: AuthSpec | undefined): AuthModel | null {
  if (!auth) return null;
  return {
    jwt: {
      rolesClaim: auth.jwt?.rolesClaim ?? DEFAULT_ROLES_CLAIM,
      clockToleranceSeconds: auth.jwt?.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      ...(auth.jwt?.issuer === undefined ? {} : { issuer: auth.jwt.issuer }),
      ...(auth.jwt?.audience === undefined ? {} : { audience: auth.jwt.audience }),
      ...(auth.jwt?.jwksUrl === undefined ? {} : { jwksUrl: auth.jwt.jwksUrl }),
    },
    // HTTP header names are case-insensitive and Node hands them over in lowercase.
    apiKey: auth.apiKey ? { header: (auth.apiKey.header ?? DEFAULT_API_KEY_HEADER).toLowerCase() } : null,
  };
}

/**
 * The rule of one operation, or null when the service has no authentication (every route public, no
 * rule emitted). With authentication an operation the schema says nothing about is `authenticated`:
 * forgetting a rule must never open a route.
 */
export function accessOf(
  auth: AuthModel | null,
  access: AccessSpec | undefined,
  operation: OperationName,
): AccessRule | null {
  if (!auth) return null;
  const rule = access?.[ACTION_OF_OPERATION[operation]] ?? 'authenticated';
  return typeof rule === 'string' ? rule : { roles: [...rule.roles] };
}

/**
 * Whether every caller `source` admits is admitted by `target` too: public admits all, a valid token
 * every authenticated caller, a roles rule those whose roles it names. Null (no authentication)
 * admits all.
 */
export function ruleCovers(target: AccessRule | null, source: AccessRule | null): boolean {
  if (target === null || target === 'public') return true;
  if (source === null || source === 'public') return false;
  if (target === 'authenticated') return true;
  if (source === 'authenticated') return false;
  return source.roles.every((role) => target.roles.includes(role));
}

/**
 * Whether `source`'s reads may embed `target`'s rows (`include=`) or filter through them
 * (`filter[project.name]`): only when whoever may list or read the source may also list and read
 * the target. Otherwise an include would hand a target row to a caller its own routes refuse.
 */
export function mayReadThrough(source: EntityModel, target: EntityModel): boolean {
  const rulesOf = (entity: EntityModel) =>
    entity.operations
      .filter((operation) => operation.name === 'list' || operation.name === 'get')
      .map((operation) => operation.access);
  return rulesOf(target).every((targetRule) =>
    rulesOf(source).every((sourceRule) => ruleCovers(targetRule, sourceRule)),
  );
}
