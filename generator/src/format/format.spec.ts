import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlannedFile } from '../plan/plan';
import * as prettier from 'prettier';
import { formatFiles, sourceHash } from './format';
import { PRETTIER_OPTIONS } from './style';

const file = (path: string, content: string): PlannedFile => ({ path, owner: 'apso', content });
const messy = (index: number) => file(`src/f${index}.ts`, `export const  value${index} = {a:${index},b:"x"}\n`);
const tidy = (index: number) => `export const value${index} = { a: ${index}, b: 'x' };\n`;

describe('formatting', () => {
  test('every file is formatted, each in its place', async () => {
    const files = Array.from({ length: 20 }, (_, index) => messy(index));
    const formatted = await formatFiles(files);
    assert.deepEqual(
      formatted.map((result) => result.content),
      files.map((_, index) => tidy(index)),
    );
  });

  test('a file whose source is unchanged keeps the bytes it has; the others are formatted', async () => {
    const files = [messy(1), messy(2)];
    const formatted = await formatFiles(files, (planned, hash) =>
      planned.path === 'src/f1.ts' && hash === sourceHash(planned.content) ? 'kept as it was\n' : undefined,
    );
    assert.deepEqual(
      formatted.map((result) => result.content),
      ['kept as it was\n', tidy(2)],
    );
  });

  test('an emitter bug is named with its file', async () => {
    const broken = file('src/broken.ts', 'export const = ;\n');
    await assert.rejects(formatFiles([messy(1), broken]), /apso produced invalid babel-ts for src\/broken\.ts/);
  });

  test('TypeScript and JSON come out as prettier prints them (Biome does the printing)', async () => {
    const typescript = [
      "import {Body,Controller,Post} from '@nestjs/common'",
      '@Controller("notes") export class NotesController { @Post() create(@Body() body: { title: string; tags: string[] }, @Body("x") x: number): Promise<{ id: string; title: string; createdAt: Date; tags: string[] }> { return this.service.create({ ...body, x }) } }',
    ].join('\n');
    const json = JSON.stringify({ name: 'x', values: ['a', 'b'], nested: { deep: { deeper: [1, 2, 3] } } }, null, 2);
    const [ts, js] = await formatFiles([file('src/notes.controller.ts', typescript), file('a.json', json)]);
    assert.equal(ts.content, await prettier.format(typescript, { ...PRETTIER_OPTIONS, parser: 'typescript' }));
    assert.equal(js.content, await prettier.format(json, { ...PRETTIER_OPTIONS, parser: 'json' }));
  });
});
