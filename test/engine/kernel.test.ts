// The WebAssembly kernel: its committed bytes rebuild from kernel.wat, and it agrees bit for bit with the
// TypeScript reference kernel on random books.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildKernelModule } from '../../scripts/build-wasm.js';
import { createEngineFromBook } from '../../src/engine/index.js';
import { paddedWidth } from '../../src/engine/layout.js';
import { accountArbitrary, bookOf } from './support.js';

describe('engine kernel', () => {
  it('rebuilding kernel.wat with wabt reproduces the committed kernel.wasm.ts exactly', async () => {
    const committed = readFileSync(new URL('../../src/engine/kernel.wasm.ts', import.meta.url), 'utf8');
    assert.equal(await buildKernelModule(), committed);
  });

  it('pads rows to a multiple of 8 scenarios', () => {
    assert.deepEqual([1, 8, 9, 147, 152].map(paddedWidth), [8, 8, 16, 152, 152]);
  });

  it('the WASM SIMD kernel gives the same bits as the TypeScript kernel', () => {
    fc.assert(
      fc.property(fc.array(accountArbitrary, { minLength: 1, maxLength: 12 }), (shapes) => {
        const book = bookOf(shapes);
        const js = createEngineFromBook(book, 'js');
        const wasm = createEngineFromBook(book, 'wasm');
        const n = shapes.length;
        assert.deepEqual(wasm.columns.accountMm.subarray(0, n), js.columns.accountMm.subarray(0, n));
        assert.deepEqual(wasm.columns.accountIm.subarray(0, n), js.columns.accountIm.subarray(0, n));
        // Recomputing with the other kernel over the same memory changes nothing.
        const before = js.columns.accountIm.slice(0, n);
        js.kernels.wasm.accounts(0, n);
        assert.deepEqual(js.columns.accountIm.subarray(0, n), before);
      }),
      { numRuns: 60 },
    );
  });

  it('streams the same sum in both kernels (the bandwidth floor reads what it claims)', () => {
    const engine = createEngineFromBook(bookOf([{ positions: [], balances: [] }]));
    const c = engine.columns;
    const values = c.rowValues;
    const expected = values.reduce((a, v) => a + v, 0);
    const address = values.byteOffset;
    for (const kernel of [engine.kernels.js, engine.kernels.wasm])
      assert.ok(Math.abs(kernel.stream(address, values.length) - expected) <= 1e-9 * Math.abs(expected));
  });
});
