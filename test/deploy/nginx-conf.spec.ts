import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deploymentOf } from '../../generator/src/model/deployment';
import { block, directive, serializeNginx } from '../../generator/src/render/infra/nginx/directives';
import { BODY_LIMIT_BYTES, NGINX_CONF_PATH, nginxConf } from '../../generator/src/render/infra/nginx/nginx-conf';
import { loadConfig } from '../../src/platform/config/config';
import { nginxConfigTest, nginxSuiteOptions } from '../support/nginx';
import { REPO_ROOT } from '../support/repository';

const generated = readFileSync(join(REPO_ROOT, NGINX_CONF_PATH), 'utf8');

describe('nginx/nginx.conf under `nginx -t` (Debian nginx)', nginxSuiteOptions(), () => {
  test("this repository's file passes, with the compose service name resolvable", () => {
    const result = nginxConfigTest(generated, ['api']);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /test is successful/);
  });

  test('the check resolves the upstream: without "api" in the hosts file it fails', () => {
    const result = nginxConfigTest(generated, []);
    assert.notEqual(result.status, 0);
    assert.match(result.output, /host not found in upstream "api:3000"/);
  });

  test('a broken configuration fails', () => {
    const typo = nginxConfigTest(generated.replace('least_conn;', 'least_con;'), ['api']);
    assert.notEqual(typo.status, 0);
    assert.match(typo.output, /unknown directive "least_con"/);
    const badValue = nginxConfigTest(generated.replace('max_fails=3', 'max_fails=three'), ['api']);
    assert.notEqual(badValue.status, 0, badValue.output);
  });
});

describe('nginx.conf settings', () => {
  test("client_max_body_size is the platform's default HTTP_BODY_LIMIT_BYTES", () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/d', REDIS_URL: 'redis://h:6379' });
    assert.equal(BODY_LIMIT_BYTES, config.httpBodyLimitBytes);
    assert.match(generated, new RegExp(`client_max_body_size ${config.httpBodyLimitBytes};`));
  });

  test('retries stay off for non-idempotent requests and are bounded', () => {
    assert.match(generated, /proxy_next_upstream error timeout http_502 http_503 http_504;/);
    assert.doesNotMatch(generated, /^\s*proxy_next_upstream [^;]*non_idempotent/m);
    assert.match(generated, /proxy_next_upstream_tries 2;/);
  });

  test('the file is the one the builder writes, so a test may rebuild it with other upstreams', () => {
    assert.equal(serializeNginx(nginxConf(deploymentOf(undefined, 'apso-example'))), generated);
  });
});

describe('the nginx directive serializer', () => {
  test('quotes what nginx would split, escapes quotes and backslashes, keeps variables', () => {
    const text = serializeNginx([
      block(
        'http',
        [],
        [
          directive('proxy_set_header', 'Connection', ''),
          directive('log_format', 'x', '{"a":"$status"} \\'),
          directive('', '$request_id'),
          directive('add_header', 'X-A', 'a;b'),
        ],
      ),
    ]);
    assert.equal(
      text,
      'http {\n    proxy_set_header Connection "";\n    log_format x "{\\"a\\":\\"$status\\"} \\\\";\n    "" $request_id;\n    add_header X-A "a;b";\n}\n',
    );
  });
});
