import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as platformMetrics from '../../../src/platform/metrics/metric-names';
import { metricOf, readMetricCatalogue } from './metric-catalogue';
import { locateRuntime } from './runtime-source';

describe('the metric catalogue', () => {
  const catalogue = readMetricCatalogue(locateRuntime().platformDir);

  test('is every metric the platform module exports, as the runtime sees it', () => {
    const declared = Object.entries(platformMetrics).filter(
      ([, value]) => typeof value === 'object' && value !== null && 'labelNames' in value,
    );
    assert.ok(declared.length > 5);
    assert.deepEqual(Object.keys(catalogue).sort(), declared.map(([constant]) => constant).sort());
    for (const [constant, metric] of declared) assert.deepEqual(catalogue[constant], metric, constant);
  });

  test('a constant the platform does not declare is an error naming it', () => {
    assert.equal(metricOf(catalogue, 'HTTP_REQUEST_DURATION').name, 'http_request_duration_seconds');
    assert.throws(() => metricOf(catalogue, 'HTTP_REQUESTS'), /declares no metric HTTP_REQUESTS/);
  });
});
