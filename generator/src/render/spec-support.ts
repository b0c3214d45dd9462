import { buildModel } from '../model/build';
import { readMetricCatalogue } from '../runtime/metric-catalogue';
import { locateRuntime } from '../runtime/runtime-source';
import type { SchemaDocument } from '../schema/document';
import type { ArtifactContext } from './artifact';

/** The platform's metrics, read once for every spec. */
export const CATALOGUE = readMetricCatalogue(locateRuntime().platformDir);

/** What artifacts see for a schema generated into a fresh folder, without touching the disk. */
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
