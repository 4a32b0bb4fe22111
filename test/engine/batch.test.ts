// The threaded batch: accounts split over worker threads on shared memory give the same bits as one thread.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  closeBatchPool,
  createBatchPool,
  createEngineFromBook,
  runBatch,
  runStream,
} from '../../src/engine/index.js';
import { splitAccounts } from '../../src/engine/batch.js';
import { accountArbitrary, bookOf } from './support.js';

describe('threaded batch', () => {
  it('two threads, either kernel, give the same bits as one thread', async () => {
    const shapes = fc.sample(accountArbitrary, { numRuns: 400, seed: 7 });
    const engine = createEngineFromBook(bookOf(shapes));
    const n = shapes.length;
    const mm = engine.columns.accountMm.slice(0, n);
    const im = engine.columns.accountIm.slice(0, n);
    const pool = createBatchPool(2);
    try {
      for (const kernel of ['wasm', 'js'] as const) {
        engine.columns.accountMm.fill(0);
        engine.columns.accountIm.fill(0);
        const times = await runBatch(engine, pool, kernel);
        assert.equal(times.length, 2);
        assert.deepEqual(engine.columns.accountMm.subarray(0, n), mm);
        assert.deepEqual(engine.columns.accountIm.subarray(0, n), im);
      }
      const values = engine.columns.rowValues;
      const half = Math.floor(values.length / 2);
      const sum = await runStream(engine, pool, 'wasm', [
        [[values.byteOffset, half]],
        [[values.byteOffset + half * 8, values.length - half]],
      ]);
      const expected = values.reduce((a, v) => a + v, 0);
      assert.ok(Math.abs(sum - expected) <= 1e-9 * Math.abs(expected));
    } finally {
      await closeBatchPool(pool);
    }
  });

  it('splits accounts into contiguous ranges of about equal slot counts', () => {
    fc.assert(
      fc.property(
        fc.array(accountArbitrary, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (shapes, parts) => {
          const engine = createEngineFromBook(bookOf(shapes));
          const cuts = splitAccounts(engine, parts);
          assert.equal(cuts.length, parts + 1);
          assert.equal(cuts[0], 0);
          assert.equal(cuts[parts], shapes.length);
          for (let k = 1; k < cuts.length; k++) assert.ok(cuts[k]! >= cuts[k - 1]!);
        },
      ),
      { numRuns: 30 },
    );
  });
});
