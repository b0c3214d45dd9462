import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergePackageJson, newPackageJson, type PackageJsonContent } from './package-json';

const REQUIRED: PackageJsonContent = {
  name: 'svc',
  scripts: { generate: 'apso generate', build: 'tsc -p tsconfig.build.json' },
  dependencies: { pg: '8.23.1', '@nestjs/core': '11.2.10' },
  devDependencies: { typescript: '5.9.3', apso: '0.1.0' },
};

describe("a project's package.json", () => {
  test('a new project gets every section, dependencies sorted by name', () => {
    const created = newPackageJson(REQUIRED);
    assert.deepEqual(Object.keys(created.dependencies as object), ['@nestjs/core', 'pg']);
    assert.deepEqual(created.scripts, REQUIRED.scripts);
  });

  test('an existing file (as `npm install --save-dev apso` leaves it) gains what is missing, nothing else', () => {
    const current = `${JSON.stringify({ name: 'team-repo', devDependencies: { apso: 'file:../apso-0.1.0.tgz' } }, null, 2)}\n`;
    const merged = JSON.parse(mergePackageJson(current, REQUIRED)) as Record<string, Record<string, string>>;
    assert.equal(merged.name as unknown, 'team-repo');
    assert.equal(merged.devDependencies.apso, 'file:../apso-0.1.0.tgz', "the user's apso spec is kept");
    assert.equal(merged.devDependencies.typescript, '5.9.3');
    assert.deepEqual(merged.dependencies, { '@nestjs/core': '11.2.10', pg: '8.23.1' });
    assert.deepEqual(merged.scripts, REQUIRED.scripts);
  });

  test("the user's versions and scripts win; a complete file comes back byte for byte", () => {
    const current = `{\n\t"name": "x",\n\t"scripts": { "build": "nest build", "generate": "apso generate" },\n\t"dependencies": { "pg": "8.0.0", "@nestjs/core": "11.0.0" },\n\t"devDependencies": { "typescript": "5.0.0", "apso": "0.1.0" }\n}\n`;
    assert.equal(mergePackageJson(current, REQUIRED), current);
  });

  test('an addition keeps the indentation the file uses', () => {
    const current = '{\n\t"name": "x"\n}\n';
    assert.match(mergePackageJson(current, REQUIRED), /^\{\n\t"name": "x",\n\t"scripts": \{\n\t\t"generate"/);
  });

  test('a broken package.json is refused with a sentence, not overwritten', () => {
    assert.throws(() => mergePackageJson('{ "name": ', REQUIRED), /not valid JSON/);
    assert.throws(() => mergePackageJson('[]', REQUIRED), /must hold a JSON object/);
    assert.throws(() => mergePackageJson('{ "scripts": "x" }', REQUIRED), /"scripts" must be an object/);
  });
});
