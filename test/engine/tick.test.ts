// Incremental ticks: rebuilding one underlying's rows and only its holders' segments gives the same bits as
// recomputing everything, and the reference gridModel's margins on the new market.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEvent, createEngineFromBook, type EngineState } from '../../src/engine/index.js';
import { accountArbitrary, bookOf, close, referenceMargin } from './support.js';

const tickArbitrary = fc.record({
  underlying: fc.constantFrom('BTC', 'ETH', 'USDT'),
  move: fc.double({ min: 0.85, max: 1.15, noNaN: true }),
  iv: fc.option(fc.double({ min: 0.3, max: 1.5, noNaN: true }), { nil: undefined }),
  futureMark: fc.option(fc.double({ min: 0.95, max: 1.05, noNaN: true }), { nil: undefined }),
});

type TickShape = typeof tickArbitrary extends fc.Arbitrary<infer T> ? T : never;

function tickOf(engine: EngineState, t: TickShape): Record<string, unknown> {
  const price = engine.market.prices[t.underlying]! * t.move;
  const instruments: Record<string, { iv?: number; mark?: number }> = {};
  if (t.underlying === 'BTC' && t.iv !== undefined) instruments.C42K = { iv: t.iv };
  if (t.underlying === 'ETH' && t.iv !== undefined) instruments['ETH-C2200'] = { iv: t.iv };
  if (t.underlying === 'BTC' && t.futureMark !== undefined)
    instruments['BTC-FUT'] = { mark: price * t.futureMark };
  return { kind: 'tick', underlying: t.underlying, price, instruments };
}

describe('incremental tick', () => {
  it('gives the same bits as a full recompute and matches gridModel on the new market', () => {
    fc.assert(
      fc.property(
        fc.array(accountArbitrary, { minLength: 1, maxLength: 8 }),
        fc.array(tickArbitrary, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (shapes, ticks, js) => {
          const engine = createEngineFromBook(bookOf(shapes), js ? 'js' : 'wasm');
          const n = shapes.length;
          for (const t of ticks) applyEvent(engine, tickOf(engine, t));
          const mm = engine.columns.accountMm.slice(0, n);
          const im = engine.columns.accountIm.slice(0, n);
          engine.kernels.wasm.accounts(0, n);
          assert.deepEqual(engine.columns.accountMm.subarray(0, n), mm);
          assert.deepEqual(engine.columns.accountIm.subarray(0, n), im);
          for (const id of engine.accountIds) {
            const ref = referenceMargin(engine, id);
            const a = engine.accountIndex.get(id)!;
            assert.ok(close(mm[a]!, ref.mm), `${id} MM ${mm[a]} vs gridModel ${ref.mm}`);
            assert.ok(close(im[a]!, ref.im), `${id} IM ${im[a]} vs gridModel ${ref.im}`);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('recomputes only the accounts that hold the underlying', () => {
    const engine = createEngineFromBook(
      bookOf([
        { positions: [{ instrument: 'ETHUSDT', quantity: 2, entryFactor: 1.1 }], balances: [] },
        { positions: [{ instrument: 'C42K', quantity: -1, entryFactor: undefined }], balances: [] },
        { positions: [], balances: [{ asset: 'ETH', amount: 3 }] },
        { positions: [], balances: [{ asset: 'USDC', amount: 100 }] },
      ]),
    );
    const btcOnly = engine.columns.accountMm[1];
    const result = applyEvent(engine, { kind: 'tick', underlying: 'ETH', price: 1_800 });
    assert.deepEqual(result, { rows: 5, accounts: 2 });
    assert.equal(engine.columns.accountMm[1], btcOnly);
    const eth = referenceMargin(engine, 'a2');
    assert.ok(close(engine.columns.accountMm[2]!, eth.mm));
  });
});
