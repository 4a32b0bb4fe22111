// The package's public API is the committed list in test/fixtures/publicApi.json: every entry point that
// package.json exports, with the value and type names each one exports. An export added or removed by accident (an
// `export *` that pulls in internals, a renamed function) fails here; an intended change edits the list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

interface Surface {
  values: string[];
  types: string[];
}

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
};
const committed = JSON.parse(readFileSync(new URL('test/fixtures/publicApi.json', root), 'utf8')) as Record<
  string,
  Surface
>;

/** Returns the source file (URL) that an export's built path `./dist/src/x/index.js` is compiled from. */
function sourceOf(subpath: string): URL {
  const built = manifest.exports[subpath]!.default;
  const match = /^\.\/dist\/(src\/.+)\.js$/.exec(built);
  if (match === null) throw new Error(`exports["${subpath}"].default: not a file under ./dist/src: ${built}`);
  return new URL(`${match[1]}.ts`, root);
}

/** Returns the names in `actual` but not in `expected`, and those in `expected` but not in `actual`. */
function difference(actual: readonly string[], expected: readonly string[]): string {
  const added = actual.filter((n) => !expected.includes(n));
  const removed = expected.filter((n) => !actual.includes(n));
  return `exported but not in the list: [${added.join(', ')}]; in the list but not exported: [${removed.join(', ')}]`;
}

/** Returns each entry point's exported names as the type checker sees them, values apart from types. */
function declaredSurfaces(subpaths: readonly string[]): Map<string, Surface> {
  const files = subpaths.map((s) => fileURLToPath(sourceOf(s)));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const surfaces = new Map<string, Surface>();
  subpaths.forEach((subpath, i) => {
    const source = program.getSourceFile(files[i]!);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`${files[i]}: not a module`);
    const surface: Surface = { values: [], types: [] };
    for (const symbol of checker.getExportsOfModule(module)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      (target.flags & ts.SymbolFlags.Value ? surface.values : surface.types).push(symbol.name);
    }
    surfaces.set(subpath, { values: surface.values.sort(), types: surface.types.sort() });
  });
  return surfaces;
}

// Modules whose exports are internal: the engine's state layout, slots, catalog and kernels, and Derive's
// published-case format and conformance harness. Scripts and tests import them from these files.
const INTERNAL_MODULES = [
  'src/engine/layout.ts',
  'src/engine/catalog.ts',
  'src/engine/kernelJs.ts',
  'src/engine/wasmKernel.ts',
  'src/engine/state.ts',
  'src/engine/accountEvents.ts',
  'src/margin/rulebooks/derive/conformance.ts',
  'src/margin/rulebooks/derive/caseFormat.ts',
];

describe('public API', () => {
  const subpaths = Object.keys(manifest.exports).sort();

  it('package.json exports exactly the committed entry points, each with its types beside its code', () => {
    assert.deepEqual(subpaths, Object.keys(committed).sort());
    for (const subpath of subpaths) {
      const entry = manifest.exports[subpath]!;
      assert.equal(entry.types, entry.default.replace(/\.js$/, '.d.ts'), `exports["${subpath}"].types`);
    }
  });

  it('each entry point exports at run time exactly the committed value names', async () => {
    for (const subpath of subpaths) {
      const module = (await import(sourceOf(subpath).href)) as Record<string, unknown>;
      const names = Object.keys(module).sort();
      const expected = committed[subpath]!.values;
      assert.deepEqual(names, expected, `"${subpath}": ${difference(names, expected)}`);
    }
  });

  it('each entry point declares exactly the committed value and type names', () => {
    for (const [subpath, surface] of declaredSurfaces(subpaths)) {
      const expected = committed[subpath]!;
      assert.deepEqual(
        surface.values,
        expected.values,
        `"${subpath}" values: ${difference(surface.values, expected.values)}`,
      );
      assert.deepEqual(
        surface.types,
        expected.types,
        `"${subpath}" types: ${difference(surface.types, expected.types)}`,
      );
    }
  });

  it('no entry point exports an engine internal or the Derive conformance harness', async () => {
    const entries = await Promise.all(
      subpaths.map(async (s) => (await import(sourceOf(s).href)) as Record<string, unknown>),
    );
    for (const file of INTERNAL_MODULES) {
      const internal = (await import(new URL(file, root).href)) as Record<string, unknown>;
      assert.ok(
        Object.keys(internal).length > 0,
        `${file} exports nothing at run time: the check would be empty`,
      );
      // The same name bound to the same thing: a different function that happens to share a name is not a leak.
      const leaked = Object.keys(internal).filter((name) =>
        entries.some((entry) => name in entry && entry[name] === internal[name]),
      );
      assert.deepEqual(leaked, [], `${file}: published by an entry point`);
    }
  });
});
