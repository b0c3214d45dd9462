import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';

/** One metric the platform exports, as declared in its metric-names.ts. */
export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets?: readonly number[];
}

/** The platform's metrics by the constant that declares each (`HTTP_REQUEST_DURATION`). */
export type MetricCatalogue = Readonly<Record<string, MetricDefinition>>;

/** Where the platform declares its metrics, relative to the platform folder. */
export const METRIC_NAMES_FILE = join('metrics', 'metric-names.ts');

/**
 * Reads the platform's one list of metrics, so dashboards and alerts name exactly what the runtime
 * copied into the project emits. The list is TypeScript (the runtime types its labels from it); it
 * imports nothing, so transpiling it alone and evaluating the result is enough.
 */
export function readMetricCatalogue(platformDir: string): MetricCatalogue {
  const source = readFileSync(join(platformDir, METRIC_NAMES_FILE), 'utf8');
  const { outputText } = transpileModule(source, {
    compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 },
  });
  const moduleExports: Record<string, unknown> = {};
  new Function('exports', outputText)(moduleExports);
  return Object.fromEntries(
    Object.entries(moduleExports).filter((entry): entry is [string, MetricDefinition] => isMetric(entry[1])),
  );
}

function isMetric(value: unknown): value is MetricDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<MetricDefinition>;
  return (
    typeof candidate.name === 'string' && typeof candidate.help === 'string' && Array.isArray(candidate.labelNames)
  );
}

/** The metric a constant declares; a name the platform does not declare is a bug in apso, not in the schema. */
export function metricOf(catalogue: MetricCatalogue, constant: string): MetricDefinition {
  const metric = catalogue[constant];
  if (!metric) throw new Error(`the platform's metric-names.ts declares no metric ${constant}`);
  return metric;
}
