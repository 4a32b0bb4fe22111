// Liquidation prices by root-finding on full revaluation, checked against closed forms derived by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { liquidationPoints, underlyingRisk } from '../../src/risk/index.js';
import { cushionAt } from '../../src/risk/liquidation.js';
import { createMarketView, createRiskContext, noShift, unitValue } from '../../src/scenarios/index.js';
import { accountExposure, gridModel } from '../../src/margin/index.js';
import type { AccountInput, BookInput } from '../../src/core/index.js';
import { AS_OF, bookInput, resolve } from '../support/books.js';

function points(account: Omit<AccountInput, 'id'>, extra: Partial<BookInput> = {}) {
  const book = resolve(bookInput({ accounts: [{ id: 'a', ...account }], ...extra }));
  const view = createMarketView(book.market, book.reportingCurrency);
  return { book, view, points: liquidationPoints(book, 'a', 'BTC', view) };
}

describe('liquidation prices', () => {
  it('long linear perpetual, standard model: B + q(P - E) = 0.05 q P', () => {
    // 20,000 USDT, long 3 BTCUSDT from 41,000, MM rate 5% (default): 20000 + 3(P - 41000) = 0.15 P.
    const { points: p } = points({
      model: 'standard',
      balances: [{ asset: 'USDT', amount: 20000 }],
      positions: [{ instrument: 'BTCUSDT', quantity: 3, entryPrice: 41000 }],
    });
    const expected = (3 * 41000 - 20000) / (3 - 0.15);
    assert.equal(p.length, 1);
    assert.equal(p[0]!.direction, 'down');
    assert.ok(Math.abs(p[0]!.price - expected) < 1e-6 * expected, `expected ${expected}, got ${p[0]!.price}`);
    assert.ok(Math.abs(p[0]!.distance - (expected / 40000 - 1)) < 1e-9);
  });

  it('short linear perpetual, grid model: liquidation above, where the cushion is zero', () => {
    // 10,000 USDT, short 1 BTCUSDT at 40,000; MM = scan = 15% of P: 10000 - (P - 40000) = 0.15 P.
    const { points: p } = points({
      balances: [{ asset: 'USDT', amount: 10000 }],
      positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 40000 }],
    });
    const expected = 50000 / 1.15;
    assert.equal(p[0]!.direction, 'up');
    assert.ok(Math.abs(p[0]!.price - expected) < 1e-6 * expected, `expected ${expected}, got ${p[0]!.price}`);
  });

  it('short inverse perpetual against coin collateral: the closed form in coin', () => {
    // 0.2 BTC, short 2,000 x 10 USD from 40,000. In coin: equity = 0.2 - 20000 (1/40000 - 1/P) = 20000/P - 0.3;
    // standard MM = 5% of the coin notional = 1000/P. Equal at 19000/P = 0.3, P = 63,333.33 (above).
    const { points: p } = points({
      model: 'standard',
      balances: [{ asset: 'BTC', amount: 0.2 }],
      positions: [{ instrument: 'BTC-PERPETUAL', quantity: -2000, entryPrice: 40000 }],
    });
    const expected = 19000 / 0.3;
    assert.equal(p.length, 1);
    assert.equal(p[0]!.direction, 'up');
    assert.ok(Math.abs(p[0]!.price - expected) < 1e-6 * expected, `expected ${expected}, got ${p[0]!.price}`);
  });

  it('0.5 BTC against a 20,000 USD inverse short is USD-hedged: no liquidation price', () => {
    const { points: p } = points({
      model: 'standard',
      balances: [{ asset: 'BTC', amount: 0.5 }],
      positions: [{ instrument: 'BTC-PERPETUAL', quantity: -2000, entryPrice: 40000 }],
    });
    assert.deepEqual(p, []);
  });

  it('no liquidation price when none exists: stablecoins only, and a coin-hedged short', () => {
    assert.deepEqual(points({ balances: [{ asset: 'USDT', amount: 1000 }] }).points, []);
    const hedged = points({
      balances: [{ asset: 'BTC', amount: 1 }],
      positions: [{ instrument: 'BTC-PERPETUAL', quantity: -4000, entryPrice: 40000 }],
    });
    assert.deepEqual(hedged.points, []);
  });

  it('an account already below maintenance is liquidatable now', () => {
    const { points: p } = points({
      balances: [{ asset: 'USDT', amount: 100 }],
      positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 40000 }],
    });
    assert.deepEqual(p, [{ underlying: 'BTC', direction: 'now', price: 40000, distance: 0 }]);
  });

  it('adding collateral moves the liquidation price away', () => {
    const at = (usdt: number): number =>
      points({
        model: 'standard',
        balances: [{ asset: 'USDT', amount: usdt }],
        positions: [{ instrument: 'BTCUSDT', quantity: 2, entryPrice: 40000 }],
      }).points[0]!.price;
    assert.ok(at(20000) < at(10000));
  });

  it('the cushion at the liquidation price is zero', () => {
    const r = points({
      balances: [{ asset: 'USDT', amount: 10000 }],
      positions: [{ instrument: 'BTCUSDT', quantity: -1, entryPrice: 40000 }],
    });
    const factor = r.points[0]!.price / 40000;
    assert.ok(Math.abs(cushionAt(r.book, 'a', 'BTC', r.view, factor, 'all')) < 1e-4);
  });
});

describe('leveraged tokens', () => {
  const token = {
    id: 'BTC3L',
    kind: 'leveraged_token' as const,
    underlying: 'BTC',
    quote: 'USDT',
    leverage: 3,
  };
  const extra = (): Partial<BookInput> => ({
    instruments: [token],
    market: { asOf: AS_OF, prices: { BTC: 40000, USDT: 1 }, instruments: { BTC3L: { mark: 10 } } },
  });

  it('dollar delta is L x NAV x quantity; value is NAV x quantity', () => {
    const book = resolve(
      bookInput({ accounts: [{ id: 'a', positions: [{ instrument: 'BTC3L', quantity: 100 }] }], ...extra() }),
    );
    const view = createMarketView(book.market, book.reportingCurrency);
    const risk = underlyingRisk([accountExposure(book.accounts.get('a')!, view)], view, 'BTC');
    assert.ok(Math.abs(risk.delta - 3 * 10 * 100) < 1e-9, `delta ${risk.delta}`);
    assert.ok(Math.abs(risk.gamma) < 1e-9, 'linear within a rebalancing period');
  });

  it('a token falls to zero, not below, when the move exceeds 1/L; the grid scans it', () => {
    const book = resolve(
      bookInput({ accounts: [{ id: 'a', positions: [{ instrument: 'BTC3L', quantity: 100 }] }], ...extra() }),
    );
    const view = createMarketView(book.market, book.reportingCurrency);
    const inst = book.instruments.get('BTC3L')!;
    const down40 = view.shifted(new Map([['BTC', { ...noShift(), factor: 0.6 }]]));
    assert.equal(unitValue(inst, down40), 0);
    const down10 = view.shifted(new Map([['BTC', { ...noShift(), factor: 0.9 }]]));
    assert.ok(Math.abs(unitValue(inst, down10) - 10 * 0.7) < 1e-12);
    // 100 tokens of NAV 10: -15% gives NAV 10 x (1 - 0.45), a loss of 450; the -30% extreme loses 90% of
    // 1,000 at 35% cover = 315. Scan 450.
    const account = book.accounts.get('a')!;
    const r = gridModel(accountExposure(account, view), createRiskContext(view), account.parameters);
    assert.ok(Math.abs(r.mm - 450) < 1e-9, `MM ${r.mm}`);
  });
});
