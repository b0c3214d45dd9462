import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ini, json, text, yaml } from './artifact';
import { serializeContent } from './serialize';

describe('serializeContent', () => {
  test('text is written as it is', () => {
    assert.equal(serializeContent(text('export {};\n')), 'export {};\n');
  });

  test('JSON keeps the declared key order, indents two spaces, ends with a newline and leaves out undefined', () => {
    assert.equal(
      serializeContent(json({ name: 'x', version: '0.1.0', private: undefined, scripts: { b: '2', a: '1' } })),
      '{\n  "name": "x",\n  "version": "0.1.0",\n  "scripts": {\n    "b": "2",\n    "a": "1"\n  }\n}\n',
    );
  });

  test('YAML keeps the declared key order, never folds a long line and never turns a shared object into an alias', () => {
    const labels = { app: 'api' };
    const command = `node dist/main.js ${'--flag '.repeat(20).trim()}`;
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', labels, annotations: undefined },
      spec: { selector: { matchLabels: labels }, replicas: 3, command: [command], paused: false, note: null },
    };
    const expected = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      '  labels:',
      '    app: api',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      app: api',
      '  replicas: 3',
      '  command:',
      `    - ${command}`,
      '  paused: false',
      '  note: null',
      '',
    ].join('\n');
    assert.equal(serializeContent(yaml(manifest)), expected);
  });

  test('YAML quotes strings that would otherwise read as another type', () => {
    assert.equal(
      serializeContent(yaml({ port: '8080', enabled: 'true', empty: '' })),
      'port: "8080"\nenabled: "true"\nempty: ""\n',
    );
  });
});

describe('INI', () => {
  test('sections in order, values as written (PgBouncer reads quotes as part of a value), comments first', () => {
    assert.equal(
      serializeContent(
        ini(
          {
            databases: { app: 'host=db port=5432 dbname=app' },
            pgbouncer: { pool_mode: 'transaction', max_client_conn: 1000 },
          },
          ['Pool sizes:', '', '3 × 20 = 60'],
        ),
      ),
      '; Pool sizes:\n;\n; 3 × 20 = 60\n\n[databases]\napp = host=db port=5432 dbname=app\n\n[pgbouncer]\npool_mode = transaction\nmax_client_conn = 1000\n',
    );
  });
});
