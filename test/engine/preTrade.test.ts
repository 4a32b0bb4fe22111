// Pre-trade checks: the margin of an account with one more trade equals gridModel on that exposure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/core/index.js';
import { gridModel } from '../../src/margin/index.js';
import {
  createEngineFromBook,
  createPreTradeChecker,
  engineExposure,
  tradeCheck,
} from '../../src/engine/index.js';
import { accountArbitrary, bookOf, close, POSITION_IDS } from './support.js';

const tradeArbitrary = fc.record({
  instrument: fc.constantFrom(...POSITION_IDS),
  quantity: fc
    .integer({ min: -30, max: 30 })
    .filter((q) => q !== 0)
    .map((q) => q / 2),
});

describe('pre-trade check', () => {
  it('equals gridModel on the exposure with the position changed (assets as they are)', () => {
    fc.assert(
      fc.property(accountArbitrary, tradeArbitrary, fc.boolean(), (shape, trade, closeOut) => {
        const engine = createEngineFromBook(bookOf([shape]));
        const checker = createPreTradeChecker(engine);
        const row = engine.catalog.instrumentRow.get(trade.instrument)!;
        const exposure = engineExposure(engine, 'a0')!;
        const held = exposure.positions.find((p) => p.instrument.id === trade.instrument);
        // Sometimes trade exactly the opposite of the holding: the position closes.
        const q = closeOut && held !== undefined ? -held.quantity : trade.quantity;
        const out = checker.check(0, row, q, tradeCheck());
        const positions = exposure.positions.map((p) =>
          p === held ? { ...p, quantity: p.quantity + q } : p,
        );
        if (held === undefined)
          positions.push({
            instrument: engine.catalog.instruments[row]!,
            quantity: q,
            entryPrice: undefined,
          });
        const ref = gridModel(
          { ...exposure, positions: positions.filter((p) => p.quantity !== 0) },
          engine.context,
          engine.parameters,
        );
        assert.ok(close(out.mm, ref.mm), `MM ${out.mm} vs gridModel ${ref.mm}`);
        assert.ok(close(out.im, ref.im), `IM ${out.im} vs gridModel ${ref.im}`);
        assert.equal(out.mmBefore, engine.columns.accountMm[0]);
        assert.equal(out.imBefore, engine.columns.accountIm[0]);
      }),
      { numRuns: 150 },
    );
  });

  it('reuses the result object it is given and rejects bad input naming the field', () => {
    const engine = createEngineFromBook(bookOf([{ positions: [], balances: [] }]));
    const checker = createPreTradeChecker(engine);
    const out = tradeCheck();
    const row = engine.catalog.instrumentRow.get('BTCUSDT')!;
    assert.equal(checker.check(0, row, 1, out), out);
    assert.ok(out.im > 0 && out.mmBefore === 0);
    const spot = engine.catalog.instrumentRow.get('BTC/USDT')!;
    const cases: [number, number, number, string][] = [
      [5, row, 1, 'check.account'],
      [0, spot, 1, 'check.instrument'],
      [0, row, Number.NaN, 'check.quantity'],
      [0, row, 0, 'check.quantity'],
    ];
    for (const [account, r, q, path] of cases)
      assert.throws(
        () => checker.check(account, r, q, out),
        (e: unknown) => e instanceof InputError && e.issues[0]!.path === path,
      );
  });
});
