import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Model } from '../../../model/types';
import type { SchemaDocument } from '../../../schema/document';
import { serializeContent } from '../../serialize';
import { CATALOGUE, contextOf } from '../../spec-support';
import { MONITORING_ARTIFACT } from './monitoring';

/** A small service for the monitoring specs; its name is the scrape job and the dashboard's uid. */
export const SHOP: SchemaDocument = { name: 'shop', entities: [{ name: 'Widget' }] } as SchemaDocument;

/** SHOP publishing its widgets' events to one webhook: the worker's scrape, row and alert. */
export const SHOP_WITH_WEBHOOKS: SchemaDocument = {
  name: 'shop',
  entities: [{ name: 'Widget', events: ['created', 'updated'] }],
  webhooks: [{ name: 'search', events: ['Widget.created', 'Widget.updated'] }],
};

export { CATALOGUE, contextOf };

export const modelOf = (document: SchemaDocument): Model => contextOf(document).model;

/** The monitoring files apso writes for `document`, by path, as written to disk. */
export function monitoringFiles(document: SchemaDocument = SHOP): Map<string, string> {
  return new Map(
    MONITORING_ARTIFACT.files(contextOf(document)).map((file) => [file.path, serializeContent(file.content)]),
  );
}

/** Writes files (by relative path) under `root`. */
export function writeTree(root: string, files: ReadonlyMap<string, string>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}
