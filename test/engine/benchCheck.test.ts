// The engine benchmark's own checks: its floor reads the bytes the batch reads, and its comparisons catch a
// kernel that writes a wrong or no margin (a check that cannot fail would make its figures unverified).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadBook } from '../../src/core/index.js';
import { closeBatchPool, createBatchPool, runBatch } from '../../src/engine/index.js';
import { createEngine, loadPositions } from '../../src/engine/engine.js';
import {
  clearMargins,
  compareMargins,
  compareWithModel,
  sampleAccounts,
  snapshotMargins,
  TOLERANCE,
} from '../../bench/engineCheck.js';
import { floorReads, touchedBytes } from '../../bench/floor.js';
import { generateInstruments, generatePortfolios, rng } from '../../bench/population.js';

const ACCOUNTS = 300;

/** A small engine over the benchmark's generated population (200 instruments on 4 underlyings). */
function benchEngine() {
  const random = rng(11);
  const { instruments, market } = generateInstruments(200, 4, random);
  const book = loadBook(JSON.stringify({ instruments, accounts: [{ id: 'x' }], market }));
  const resolved = [...book.instruments.values()];
  const underlyings = [...new Set(resolved.map((i) => i.underlying))];
  const underlyingOf = new Uint32Array(resolved.map((i) => underlyings.indexOf(i.underlying)));
  const positions = generatePortfolios(ACCOUNTS, 20, resolved.length, underlyingOf, random);
  const state = createEngine({
    instruments: resolved,
    market: book.market,
    reportingCurrency: book.reportingCurrency,
    parameters: book.parameters,
    accounts: ACCOUNTS,
    slots: positions.offsets[ACCOUNTS]!,
  });
  loadPositions(state, positions);
  return { state, positions, resolved };
}

describe('engine benchmark checks', () => {
  it('the floor of each thread count reads exactly the bytes the batch touches, up to an even split', () => {
    const { state } = benchEngine();
    const touched = touchedBytes(state);
    const total = touched.rowBytes + touched.slotBytes + touched.accountBytes;
    for (const threads of [1, 2]) {
      const bytes = floorReads(state, threads)
        .flat()
        .reduce((sum, [, count]) => sum + count * 8, 0);
      // Rounding the rows to whole float64s and the slots and accounts to even shares per thread loses at
      // most 8 bytes of rows and 2 x 12 + 2 x 24 bytes per thread.
      assert.ok(
        Math.abs(bytes - total) <= threads * (8 + 24 + 48),
        `${threads} threads: ${bytes} vs ${total}`,
      );
    }
  });

  it('a kernel run agrees with the per-account model; a wrong or missing margin is caught', async () => {
    const { state, positions, resolved } = benchEngine();
    const pool = createBatchPool(1);
    try {
      clearMargins(state);
      await runBatch(state, pool, 'wasm');
    } finally {
      await closeBatchPool(pool);
    }
    const wasm = snapshotMargins(state);
    const all = sampleAccounts(ACCOUNTS, ACCOUNTS, rng(1));
    const model = compareWithModel(wasm, state, positions, resolved, all);
    assert.equal(model.accountsChecked, ACCOUNTS);
    assert.equal(model.accountsBeyondTolerance, 0, `largest difference ${model.maxRelativeDifference}`);

    // One account off by ten times the tolerance, another never written: both are counted.
    const wrong = { mm: wasm.mm.slice(), im: wasm.im.slice() };
    wrong.im[17] = wrong.im[17]! * (1 + 10 * TOLERANCE) + 10 * TOLERANCE;
    wrong.mm[40] = Number.NaN;
    const off = compareMargins(wrong, wasm, 'wasm');
    assert.deepEqual([off.accountsBeyondTolerance, off.accountsNotFinite, off.firstBadAccount], [2, 1, 17]);
    assert.ok(off.maxRelativeDifference > TOLERANCE);
    assert.equal(compareWithModel(wrong, state, positions, resolved, [17, 40]).accountsBeyondTolerance, 2);

    // After clearing, margins no kernel has written fail every account.
    clearMargins(state);
    assert.equal(compareMargins(snapshotMargins(state), wasm, 'wasm').accountsBeyondTolerance, ACCOUNTS);
  });

  it('samples distinct accounts, all of them when asked for as many', () => {
    const sample = sampleAccounts(1_000, 100, rng(3));
    assert.equal(new Set(sample).size, 100);
    assert.ok(sample.every((a) => Number.isInteger(a) && a >= 0 && a < 1_000));
    assert.deepEqual(sampleAccounts(5, 9, rng(3)), [0, 1, 2, 3, 4]);
  });
});
