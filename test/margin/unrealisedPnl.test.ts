// Cash and unrealised P&L kept apart: an unrealised loss lowers equity but is never charged as a loan; borrowed
// cash is. The regression case is issue 12's repro (a Binance USDⓈ-M account whose search-based liquidation price
// carried a "loan USDT" charge Binance does not make).
// Market: Binance's BTC/USDT close of 2024-10-24, 68,198.28 (as in examples/venues/binance.book.yaml, from
// prices/BTC_USDT_1d.csv), the perpetual's mark set equal to it. Brackets: the rulebook's shipped BTCUSDT table of
// 2024-10-24 (docs/venues/binance.md): bracket 1, notional to 50,000, MMR 0.4%, cum 0. Loan rates: the default
// parameters.collateral (5% MM). Other figures are derived by hand in the comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountInput, BookInput, ResolvedBook } from '../../src/core/index.js';
import {
  accountExposure,
  borrowedAmount,
  loanComponents,
  mergeExposures,
  modelFor,
  splitExposure,
  type MarginResult,
} from '../../src/margin/index.js';
import { buildReport } from '../../src/report/index.js';
import { createMarketView, createRiskContext } from '../../src/scenarios/index.js';
import { BTCUSDT_TIER1 } from './rulebooks/bybitSupport.js';
import { AS_OF, BTC_PERP_INVERSE, BTC_PERP_LINEAR, firstNonFinite, resolve } from '../support/books.js';

const BTC = 68_198.28;
const OKX_SWAP = {
  id: 'BTC-USDC-SWAP',
  kind: 'perpetual' as const,
  underlying: 'BTC',
  quote: 'USDC',
  contractSize: 0.0001,
};
// Bybit's BTCUSDT tier 1 as test/margin/rulebooks/bybitSupport.ts cites it ("Maintenance Margin (USDT Contract)").
const BYBIT_BTCUSDT = { BTCUSDT: BTCUSDT_TIER1 };
const COINM_BRACKETS = {
  // Binance's COIN-M FAQ example bracket (MMR 0.4%, cum 0), as examples/venues/binance.book.yaml gives it.
  brackets: { 'BTC-PERPETUAL': [{ mmRate: '0.004', maintenanceAmount: '0', maxLeverage: '125' }] },
};

function bookOf(account: Omit<AccountInput, 'id'>): ResolvedBook {
  const input: BookInput = {
    reportingCurrency: 'USD',
    offset: 'account',
    instruments: [BTC_PERP_LINEAR, BTC_PERP_INVERSE, OKX_SWAP],
    accounts: [{ id: 'a', ...account }],
    market: {
      asOf: AS_OF,
      prices: { BTC, USDT: 1, USDC: 1 },
      instruments: { BTCUSDT: { mark: BTC } },
    },
  };
  return resolve(input);
}

function marginOf(b: ResolvedBook): MarginResult {
  const view = createMarketView(b.market, b.reportingCurrency);
  const a = b.accounts.get('a')!;
  return modelFor(a)(accountExposure(a, view), createRiskContext(view), a.parameters);
}

const loans = (r: MarginResult) => r.components.filter((c) => c.kind === 'loan');

describe('cash and unrealised P&L', () => {
  it("issue 12's repro: the report's search and Binance's formula agree to the cent", () => {
    // 2,000 USDT and 0.1 BTC, long 1 BTCUSDT from 40,000, cross. At price P: wallet 2,000 + 0.1 P, P&L P - 40,000,
    // MM 0.4% x P (bracket 1, cum 0): 2,000 + 0.1 P + P - 40,000 = 0.004 P  ->  P = 38,000 / 1.096 = 34,671.53.
    // Before the fix the search charged 5% of the USDT the loss took below zero (166.42 at P) and found 34,816.75.
    const b = bookOf({
      venue: 'binance',
      mode: 'cross',
      rulebook: 'binance-usdm@2024-10',
      balances: [
        { asset: 'USDT', amount: '2000' },
        { asset: 'BTC', amount: '0.1' },
      ],
      positions: [{ instrument: 'BTCUSDT', quantity: '1', entryPrice: '40000' }],
    });
    const report = buildReport(b);
    assert.equal(firstNonFinite(report), undefined, 'no NaN or Infinity in the report');
    const node = report.nodes.find((n) => n.id === 'a')!;
    const searched = node.liquidation.find((p) => p.underlying === 'BTC' && p.direction === 'down');
    const venue = node.venueLiquidation?.find((e) => e.underlying === 'BTC' && e.mode === 'cross');
    const expected = 38_000 / 1.096;
    assert.ok(
      searched !== undefined && typeof venue?.price === 'number',
      JSON.stringify({ searched, venue }),
    );
    assert.equal(Math.round(searched.price * 100), Math.round(expected * 100), 'search, to the cent');
    assert.equal(Math.round(venue.price * 100), Math.round(expected * 100), 'Binance formula, to the cent');
    assert.deepEqual(loans(marginOf(b)), [], 'no loan charged on the unrealised P&L');
  });

  it('the exposure keeps cash apart from the accrued P&L; merge and split carry both', () => {
    // Long 1 BTCUSDT from 40,000 at a mark of 68,198.28: accrued 28,198.28 USDT on top of the 2,000 USDT cash.
    // Short 1,000 BTC-PERPETUAL (10 USD each, 10,000 USD) from 50,000: -10,000 x (1/50,000 - 1/68,198.28) BTC.
    const b = bookOf({
      balances: [{ asset: 'USDT', amount: '2000' }],
      positions: [
        { instrument: 'BTCUSDT', quantity: '1', entryPrice: '40000' },
        { instrument: 'BTC-PERPETUAL', quantity: '-1000', entryPrice: '50000' },
      ],
    });
    const view = createMarketView(b.market, b.reportingCurrency);
    const e = accountExposure(b.accounts.get('a')!, view);
    assert.deepEqual([...e.cash], [['USDT', 2_000]]);
    assert.ok(Math.abs(e.assets.get('USDT')! - (2_000 + BTC - 40_000)) < 1e-9);
    assert.ok(Math.abs(e.assets.get('BTC')! - -10_000 * (1 / 50_000 - 1 / BTC)) < 1e-15);
    const merged = mergeExposures([e, e]);
    assert.equal(merged.cash.get('USDT'), 4_000);
    assert.equal(merged.assets.get('USDT'), 2 * e.assets.get('USDT')!);
    const parts = splitExposure(e);
    assert.equal(parts.length, 3, 'two positions alone, then the amounts');
    assert.ok(parts.slice(0, 2).every((p) => p.cash.size === 0 && p.assets.size === 0));
    assert.equal(parts[2]!.cash, e.cash);
    assert.equal(parts[2]!.assets, e.assets);
  });

  // One account per model that charges loans: the generic models and the rulebooks that add the loan add-on.
  // Each holds 2,000 in the contract's settlement asset and a long whose loss since entry is far larger.
  const cases: {
    name: string;
    account: Omit<AccountInput, 'id' | 'balances' | 'positions'>;
    quote: string;
  }[] = [
    { name: 'grid', account: { model: 'grid' }, quote: 'USDT' },
    { name: 'standard', account: { model: 'standard' }, quote: 'USDT' },
    { name: 'cross', account: { model: 'cross' }, quote: 'USDT' },
    { name: 'binance-usdm@2024-10', account: { rulebook: 'binance-usdm@2024-10' }, quote: 'USDT' },
    {
      name: 'bybit-linear@2024-09',
      account: { rulebook: 'bybit-linear@2024-09', parameters: { rulebook: { brackets: BYBIT_BTCUSDT } } },
      quote: 'USDT',
    },
    { name: 'okx-swap@2024-10', account: { rulebook: 'okx-swap@2024-10' }, quote: 'USDC' },
  ];
  for (const c of cases) {
    it(`${c.name}: an unrealised loss is not a loan, borrowed cash is`, () => {
      const instrument = c.quote === 'USDC' ? 'BTC-USDC-SWAP' : 'BTCUSDT';
      const size = c.quote === 'USDC' ? 10_000 : 1; // 1 BTC either way
      const at = (cash: string, entryPrice: string) =>
        marginOf(
          bookOf({
            ...c.account,
            balances: [{ asset: c.quote, amount: cash }],
            positions: [{ instrument, quantity: String(size), entryPrice }],
          }),
        );
      // Entry 100,000: the loss of 31,801.72 takes the settlement asset to -29,801.72 but borrows nothing.
      const losing = at('2000', '100000');
      const flat = at('2000', String(BTC));
      assert.deepEqual(loans(losing), [], 'no loan on an unrealised loss');
      assert.ok(Math.abs(losing.mm - flat.mm) < 1e-9, `MM ${losing.mm} vs ${flat.mm} at entry = mark`);
      // -2,000 of cash is borrowed: the add-on is 5% of 2,000 = 100 MM, whatever the loss.
      const borrowed = loans(at('-2000', '100000'));
      assert.equal(borrowed.length, 1);
      assert.ok(Math.abs(borrowed[0]!.mm - 100) < 1e-9, `loan MM ${borrowed[0]!.mm}`);
      // A profit of 1,500 (entry 1,500 below the mark) would repay 1,500 of it: 5% of 500 = 25.
      const repaid = loans(at('-2000', String(BTC - 1_500)));
      assert.ok(Math.abs((repaid[0]?.mm ?? 0) - 25) < 1e-6, `loan MM ${repaid[0]?.mm}`);
    });
  }

  it('binance-coinm@2024-10: a coin-settled loss is not a BTC loan', () => {
    // 0.1 BTC, long 10,000 BTC-PERPETUAL (10 USD each) from 100,000: the loss of
    // 100,000 x (1/100,000 - 1/68,198.28) = -0.4663 BTC takes the BTC amount below zero, borrowing nothing.
    const r = marginOf(
      bookOf({
        rulebook: 'binance-coinm@2024-10',
        parameters: { rulebook: COINM_BRACKETS },
        balances: [{ asset: 'BTC', amount: '0.1' }],
        positions: [{ instrument: 'BTC-PERPETUAL', quantity: '10000', entryPrice: '100000' }],
      }),
    );
    assert.deepEqual(loans(r), []);
  });

  it('loanComponents: borrowed cash, less what an unrealised profit repays; never an unrealised loss', () => {
    const b = bookOf({ balances: [{ asset: 'USDT', amount: '-500' }] });
    const view = createMarketView(b.market, b.reportingCurrency);
    const parameters = b.accounts.get('a')!.parameters;
    const rate = parameters.collateral.loanMmRate;
    const loanMm = (cash: number, total: number): number =>
      loanComponents(
        { cash: new Map([['USDT', cash]]), assets: new Map([['USDT', total]]) },
        view,
        parameters,
      )
        .map((c) => c.mm)
        .reduce((a, x) => a + x, 0);
    // [cash, cash + accrued P&L, borrowed]: the loan is the negative part of the larger of the two.
    const table: [number, number, number][] = [
      [-500, -500, 500], // borrowed, no position
      [-500, -2_000, 500], // borrowed, and a loss of 1,500 on top: still 500 borrowed
      [-500, -200, 200], // a profit of 300 would repay 300 of it
      [-500, 100, 0], // a profit of 600 repays it all
      [2_000, -28_931.35, 0], // issue 12's account at the fund's market: a loss, nothing borrowed
    ];
    for (const [cash, total, borrowed] of table) {
      assert.equal(borrowedAmount(cash, total), borrowed, `cash ${cash}, total ${total}`);
      assert.ok(Math.abs(loanMm(cash, total) - borrowed * rate) < 1e-12, `loan MM at ${cash}, ${total}`);
    }
  });
});
