import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildModel } from '../../model/build';
import type { EntityModel, Model } from '../../model/types';
import type { SchemaDocument } from '../../schema/document';
import { validateDocument } from '../../validate/validate';
import { renderControllerBase, renderDto, renderResource, renderServiceBase } from './crud';
import { renderEntity } from './entity';
import { renderUserController, renderUserModule, renderUserService } from './user-files';

/** Every file apso writes for one entity. */
function entityFiles(entity: EntityModel, model: Model): string[] {
  return [
    renderEntity(entity, model),
    renderResource(entity),
    renderDto(entity),
    renderServiceBase(entity),
    renderControllerBase(entity),
    renderUserService(entity),
    renderUserController(entity),
    renderUserModule(entity),
  ];
}

/** Local names bound by a file's import lines: `X`, `type X`, `X as Y` → `Y`. */
function importedNames(source: string): { name: string; from: string }[] {
  return [...source.matchAll(/^import (?:type )?\{([^}]*)\} from '([^']+)';$/gm)].flatMap(([, list, from]) =>
    list
      .split(',')
      .map((part) => part.trim().replace(/^type /, ''))
      .filter(Boolean)
      .map((part) => ({ name: part.split(' as ').pop()!.trim(), from })),
  );
}

function schemaWith(name: string): SchemaDocument {
  return {
    entities: [
      {
        name,
        versioned: true,
        fields: [
          { name: 'title', type: 'string' },
          { name: 'state', type: 'enum', values: ['a', 'b'], default: 'a' },
          { name: 'at', type: 'timestamp', nullable: true },
          { name: 'total', type: 'decimal' },
          { name: 'data', type: 'jsonb' },
        ],
        relationships: [{ name: 'labels', type: 'ManyToMany', target: 'Label' }],
      },
      { name: 'Label', primaryKey: 'integer' },
    ],
  };
}

describe('entity names never clash with the names generated files import', () => {
  // Every name any generated file imports from a package or from the platform.
  const probe = buildModel(schemaWith('Probe'));
  const frameworkNames = new Set(
    probe.entities
      .flatMap((entity) => entityFiles(entity, probe))
      .flatMap(importedNames)
      .filter(({ from }) => !from.startsWith('.') || from.includes('/platform/'))
      .map(({ name }) => name)
      .filter((name) => /^[A-Z][A-Za-z0-9]*$/.test(name)),
  );

  test('the probe found the framework names', () => {
    for (const name of ['Post', 'Get', 'Module', 'Entity', 'Column', 'Type', 'EntityService'])
      assert.ok(frameworkNames.has(name), name);
  });

  for (const name of [...frameworkNames].sort()) {
    test(`an entity named ${name} is refused or imported without a clash`, () => {
      const { document } = validateDocument(schemaWith(name));
      if (!document) return; // refused with a diagnostic, which validate.spec covers
      const model = buildModel(document);
      const entity = model.entities.find((candidate) => candidate.names.className === name)!;
      for (const file of entityFiles(entity, model)) {
        const names = importedNames(file).map((entry) => entry.name);
        const declared = [...file.matchAll(/^export (?:abstract )?(?:class|const|type) ([A-Za-z0-9_]+)/gm)].map(
          (match) => match[1],
        );
        const all = [...names, ...declared];
        assert.deepEqual(
          all.filter((local, index) => all.indexOf(local) !== index),
          [],
          `duplicate identifiers in a file for ${name}:\n${file.slice(0, 800)}`,
        );
      }
    });
  }
});
