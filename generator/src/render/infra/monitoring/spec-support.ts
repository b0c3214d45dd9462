import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildModel } from '../../../model/build';
import type { Model } from '../../../model/types';
import { readMetricCatalogue } from '../../../runtime/metric-catalogue';
import { locateRuntime } from '../../../runtime/runtime-source';
import type { SchemaDocument } from '../../../schema/document';
import type { ArtifactContext } from '../../artifact';
import { serializeContent } from '../../serialize';
import { MONITORING_ARTIFACT } from './monitoring';

/** A small service for the monitoring specs; its name is the scrape job and the dashboard's uid. */
export const SHOP: SchemaDocument = { name: 'shop', entities: [{ name: 'Widget' }] } as SchemaDocument;

export const CATALOGUE = readMetricCatalogue(locateRuntime().platformDir);

export function contextOf(document: SchemaDocument): ArtifactContext {
  return {
    model: buildModel(document),
    document,
    previous: { database: null, migrations: [] },
    allowDrop: false,
    vendoredFiles: new Map(),
    dependencies: {},
    devDependencies: {},
    apsoVersion: '0.0.0',
    metrics: CATALOGUE,
  };
}

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
