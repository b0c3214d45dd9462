import type { z } from 'zod';
import type {
  accessRuleSchema,
  accessSchema,
  scopeSchema,
  apiSchema,
  authSchema,
  cacheSchema,
  deploymentSchema,
  entitySchema,
  fieldSchema,
  indexSchema,
  jsonValueSchema,
  relationshipSchema,
  schemaDocumentSchema,
  jobsSchema,
  webhookSchema,
} from './schema';
import {
  DECIMAL_INPUTS,
  ENTITY_EVENT_TYPES,
  FIELD_TYPES,
  ON_DELETE_ACTIONS,
  PRIMARY_KEY_TYPES,
  PROPERTY_NAMES,
  READ_ONLY_INPUTS,
  RELATION_TYPES,
} from './schema';

/**
 * The shape of `schema.apso.json` as a user writes it, before validation (so options with a
 * default are optional), inferred from the one definition in schema.ts.
 */

export {
  DECIMAL_INPUTS,
  ENTITY_EVENT_TYPES,
  FIELD_TYPES,
  ON_DELETE_ACTIONS,
  PRIMARY_KEY_TYPES,
  PROPERTY_NAMES,
  READ_ONLY_INPUTS,
  RELATION_TYPES,
};
export type FieldType = (typeof FIELD_TYPES)[number];
export type RelationType = (typeof RELATION_TYPES)[number];
export type OnDeleteAction = (typeof ON_DELETE_ACTIONS)[number];
export type PrimaryKeyType = (typeof PRIMARY_KEY_TYPES)[number];
export type PropertyNames = (typeof PROPERTY_NAMES)[number];
export type DecimalInput = (typeof DECIMAL_INPUTS)[number];
export type ReadOnlyInput = (typeof READ_ONLY_INPUTS)[number];

export type JsonValue = z.input<typeof jsonValueSchema>;
export type SchemaDocument = z.input<typeof schemaDocumentSchema>;
export type EntitySpec = z.input<typeof entitySchema>;
export type ApiSpec = z.input<typeof apiSchema>;
export type CacheSpec = z.input<typeof cacheSchema>;
export type DeploymentSpec = z.input<typeof deploymentSchema>;
/** The deployment options with every default applied. */
export type DeploymentOptions = z.output<typeof deploymentSchema>;
export type FieldSpec = z.input<typeof fieldSchema>;
export type RelationSpec = z.input<typeof relationshipSchema>;
export type IndexSpec = z.input<typeof indexSchema>;
export type AuthSpec = z.input<typeof authSchema>;
export type WebhookSpec = z.input<typeof webhookSchema>;
export type JobsSpec = z.input<typeof jobsSchema>;
/** The jobs options with every default applied. */
export type JobsOptions = z.output<typeof jobsSchema>;
export type EntityEventType = (typeof ENTITY_EVENT_TYPES)[number];
export type AccessSpec = z.input<typeof accessSchema>;
export type AccessRuleSpec = z.input<typeof accessRuleSchema>;
export type ScopeSpec = z.input<typeof scopeSchema>;
