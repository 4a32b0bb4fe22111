// The engine's margins are the reference per-account gridModel's, within 1e-9 relative, for positions-only
// accounts and accounts with scanned collateral, loans and accrued P&L.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, loadBook } from '../../src/core/index.js';
import { accountExposure, gridModel } from '../../src/margin/index.js';
import { accountMargin, createEngineFromBook } from '../../src/engine/index.js';
import { createMarketView, createRiskContext, unitValue } from '../../src/scenarios/index.js';
import { accountArbitrary, bookOf, close } from './support.js';

describe('engine against the reference gridModel', () => {
  for (const kernel of ['wasm', 'js'] as const) {
    it(`${kernel} kernel: every account's IM and MM within 1e-9 relative of gridModel`, () => {
      fc.assert(
        fc.property(fc.array(accountArbitrary, { minLength: 1, maxLength: 10 }), (shapes) => {
          const book = bookOf(shapes);
          const engine = createEngineFromBook(book, kernel);
          const ctx = createRiskContext(createMarketView(book.market, book.reportingCurrency));
          for (const account of book.accounts.values()) {
            const ref = gridModel(accountExposure(account, ctx.view), ctx, account.parameters);
            const got = accountMargin(engine, account.id)!;
            assert.ok(close(got.mm, ref.mm), `${account.id} MM ${got.mm} vs ${ref.mm}`);
            assert.ok(close(got.im, ref.im), `${account.id} IM ${got.im} vs ${ref.im}`);
          }
        }),
        { numRuns: 80 },
      );
    });
  }

  it('positions-only accounts: short options pay at least the minimum, long options at most the premium', () => {
    const book = bookOf([
      { positions: [{ instrument: 'C50K', quantity: -1, entryFactor: undefined }], balances: [] },
      { positions: [{ instrument: 'C42K', quantity: 3, entryFactor: undefined }], balances: [] },
    ]);
    const engine = createEngineFromBook(book);
    const ctx = createRiskContext(createMarketView(book.market, book.reportingCurrency));
    const short = accountMargin(engine, 'a0')!;
    // 1% of one BTC at 40,000: the floor the grid model puts under a far out-of-the-money short.
    assert.ok(short.mm >= 400 - 1e-9, `short MM ${short.mm}`);
    const long = accountMargin(engine, 'a1')!;
    const premium = 3 * unitValue(book.instruments.get('C42K')!, ctx.view);
    assert.ok(long.im > 0 && long.im <= premium * (1 + 1e-12), `long IM ${long.im} vs premium ${premium}`);
  });

  it('rejects what it cannot margin, naming the field', () => {
    const text = (model: string) =>
      JSON.stringify({
        instruments: [],
        accounts: [{ id: 'x', model }],
        market: { asOf: 0, prices: { BTC: 1 } },
      });
    assert.throws(
      () => createEngineFromBook(loadBook(text('standard'))),
      (e: unknown) => e instanceof InputError && e.issues[0]!.path === 'accounts[0].model',
    );
  });
});
