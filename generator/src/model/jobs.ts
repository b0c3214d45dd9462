import {
  ENTITY_EVENT_TYPES,
  type EntityEventType,
  type EntitySpec,
  type SchemaDocument,
  type WebhookSpec,
} from '../schema/document';
import { jobsSchema } from '../schema/schema';
import { closest } from './naming';
import type { JobsModel, WebhookModel } from './types';

/** A problem with the schema's events, webhooks or jobs, at a JSON pointer from the document's root. */
export interface JobsProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** `billing-eu` → `BILLING_EU`: the middle of the variables that configure a webhook. */
export function webhookVariableStem(name: string): string {
  return name
    .split(/-+/)
    .filter((part) => part !== '')
    .join('_')
    .toUpperCase();
}

export function webhookVariables(name: string): { urlVariable: string; secretVariable: string } {
  const stem = webhookVariableStem(name);
  return { urlVariable: `WEBHOOK_${stem}_URL`, secretVariable: `WEBHOOK_${stem}_SECRET` };
}

/** An entity's events in one order (created, updated, deleted), whatever order the schema lists them in. */
export function eventsOf(entity: Pick<EntitySpec, 'events'>): EntityEventType[] {
  return ENTITY_EVENT_TYPES.filter((type) => entity.events?.includes(type));
}

/** The webhooks and their delivery settings with defaults applied; null without webhooks (no worker). */
export function jobsOf(document: Pick<SchemaDocument, 'webhooks' | 'jobs'>): JobsModel | null {
  const webhooks = document.webhooks ?? [];
  if (webhooks.length === 0) return null;
  return { webhooks: webhooks.map(webhookOf), ...jobsSchema.parse(document.jobs ?? {}) };
}

function webhookOf(spec: WebhookSpec): WebhookModel {
  return {
    name: spec.name,
    events: [...spec.events],
    ...webhookVariables(spec.name),
    ...(spec.description !== undefined && { description: spec.description }),
  };
}

/**
 * What JSON Schema cannot see: a topic must name an entity that publishes that event, two webhooks
 * may not share a name or a variable, and events or delivery settings without any webhook would be
 * recorded or configured for nothing (no worker is generated without webhooks, so apso_events would
 * only grow, and `jobs` would be silently ignored).
 */
export function jobsProblems(document: Pick<SchemaDocument, 'entities' | 'webhooks' | 'jobs'>): JobsProblem[] {
  const problems: JobsProblem[] = [];
  const webhooks = document.webhooks ?? [];
  webhooks.forEach((webhook, index) => {
    webhook.events.forEach((topic, topicIndex) => {
      const message = topicProblem(document.entities, topic);
      if (message) problems.push({ path: ['webhooks', index, 'events', topicIndex], message });
    });
  });
  problems.push(...nameClashes(webhooks));
  if (webhooks.length === 0) {
    if (document.jobs !== undefined)
      problems.push({
        path: ['jobs'],
        message:
          '"jobs" configures webhook deliveries, but the schema has no "webhooks", so it would be ignored; add a webhook or remove "jobs"',
      });
    document.entities.forEach((entity, index) => {
      if (entity.events !== undefined)
        problems.push({
          path: ['entities', index, 'events'],
          message: `${entity.name} publishes events, but the schema has no "webhooks" to deliver them (no worker would run and apso_events would only grow); add a webhook subscribing to them or remove "events"`,
        });
    });
  }
  const jobs = document.jobs;
  if (jobs !== undefined && (jobs.backoffMs ?? 1000) > (jobs.maxBackoffMs ?? 3600000))
    problems.push({
      path: ['jobs', 'backoffMs'],
      message: `backoffMs ${jobs.backoffMs ?? 1000} is larger than maxBackoffMs ${jobs.maxBackoffMs ?? 3600000}; lower it or raise maxBackoffMs`,
    });
  return problems;
}

function topicProblem(entities: readonly EntitySpec[], topic: string): string | undefined {
  const [name, type] = topic.split('.') as [string, EntityEventType];
  const index = entities.findIndex((entity) => entity.name === name);
  if (index < 0) {
    const suggestion = closest(
      name,
      entities.map((entity) => entity.name),
    );
    return `"${topic}" names the unknown entity "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
  }
  const entity = entities[index];
  if (entity.events?.includes(type)) return undefined;
  return entity.events === undefined
    ? `${name} does not publish ${type}: add "events": ["${type}"] to entities[${index}]`
    : `${name} does not publish ${type}: add it to entities[${index}].events`;
}

/** Webhook names must differ, and so must the variables they are configured by (`a-b` and `a--b` both read WEBHOOK_A_B_URL). */
function nameClashes(webhooks: readonly WebhookSpec[]): JobsProblem[] {
  const problems: JobsProblem[] = [];
  const names = new Map<string, number>();
  const stems = new Map<string, number>();
  webhooks.forEach((webhook, index) => {
    const path = ['webhooks', index, 'name'];
    const sameName = names.get(webhook.name);
    const stem = webhookVariableStem(webhook.name);
    const sameStem = stems.get(stem);
    if (sameName !== undefined)
      problems.push({
        path,
        message: `webhook "${webhook.name}" is declared more than once (also webhooks[${sameName}]); rename one or merge their events`,
      });
    else if (sameStem !== undefined)
      problems.push({
        path,
        message: `webhooks "${webhooks[sameStem].name}" and "${webhook.name}" would both read WEBHOOK_${stem}_URL and WEBHOOK_${stem}_SECRET; rename one`,
      });
    if (sameName === undefined) names.set(webhook.name, index);
    if (sameStem === undefined) stems.set(stem, index);
  });
  return problems;
}
