// Invariants of the Binance rulebooks: margin added moves the liquidation price away from the mark; an isolated
// price ignores the rest of the account; brackets are continuous; the piecewise solver equals Binance's formula
// with the bracket it reports; no output holds NaN or Infinity.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  loadBook,
  type BookInput,
  type ResolvedBook,
  type ResolvedPosition,
} from '../../../src/core/index.js';
import { accountExposure, bracketMargin, maintenanceAmounts } from '../../../src/margin/index.js';
import { binanceCoinm, binanceUsdm } from '../../../src/margin/rulebooks/binance.js';
import { BINANCE_USDM_BRACKETS_2024_10 } from '../../../src/margin/rulebooks/binanceBrackets.js';
import {
  coinmLiquidationPrice,
  NO_POSITION,
  usdmLiquidationPrice,
  type BinanceFormulaInputs,
} from '../../../src/margin/rulebooks/binanceFormulas.js';
import { createMarketView } from '../../../src/scenarios/index.js';
import { firstNonFinite } from '../../support/books.js';

const RUNS = { numRuns: 150 };

interface Case {
  linear: boolean;
  quantity: number;
  entryFactor: number;
  wallet: number;
  other: number;
}

function book(c: Case, extraWallet = 0): ResolvedBook {
  const mark = 40_000;
  const entry = mark * c.entryFactor;
  const inst = c.linear ? 'BTCUSDT' : 'BTCUSD_PERP';
  const positions = [{ instrument: inst, quantity: c.quantity, entryPrice: entry }];
  if (c.other !== 0)
    positions.push(
      c.linear
        ? { instrument: 'ETHUSDT', quantity: c.other, entryPrice: 2_100 }
        : { instrument: 'BTCUSD_250328', quantity: c.other, entryPrice: 41_000 },
    );
  const input: BookInput = {
    reportingCurrency: 'USD',
    instruments: [
      { id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
      { id: 'ETHUSDT', kind: 'perpetual', underlying: 'ETH', quote: 'USDT' },
      {
        id: 'BTCUSD_PERP',
        kind: 'perpetual',
        underlying: 'BTC',
        quote: 'USD',
        settlement: 'inverse',
        contractSize: 100,
      },
      {
        id: 'BTCUSD_250328',
        kind: 'future',
        underlying: 'BTC',
        quote: 'USD',
        settlement: 'inverse',
        contractSize: 100,
        expiry: '2025-03-28T08:00:00Z',
      },
    ],
    accounts: [
      {
        id: 'a',
        rulebook: c.linear ? 'binance-usdm@2024-10' : 'binance-coinm@2024-10',
        balances: [{ asset: c.linear ? 'USDT' : 'BTC', amount: c.wallet + extraWallet }],
        positions,
        parameters: c.linear ? {} : { rulebook: { brackets: { BTCUSD_PERP: COIN, BTCUSD_250328: COIN } } },
      },
    ],
    market: { asOf: Date.UTC(2024, 9, 24), prices: { BTC: mark, ETH: 2_000, USDT: 1 }, instruments: {} },
  };
  return loadBook(JSON.stringify(input));
}

// A COIN-M table in BTC with the cum chain derived (illustrative rates, continuous by construction).
const COIN = [
  { notionalCap: 5, mmRate: 0.004, maxLeverage: 125 },
  { notionalCap: 50, mmRate: 0.01, maxLeverage: 50 },
  { notionalCap: 200, mmRate: 0.05, maxLeverage: 10 },
  { mmRate: 0.125, maxLeverage: 4 },
];

function withFirst(b: ResolvedBook, fields: Partial<ResolvedPosition>): ResolvedBook {
  const a = b.accounts.get('a')!;
  const positions = a.positions.map((p, i) => (i === 0 ? { ...p, ...fields } : p));
  return { ...b, accounts: new Map([['a', { ...a, positions }]]) };
}

function prices(b: ResolvedBook, linear: boolean) {
  const view = createMarketView(b.market, b.reportingCurrency);
  const a = b.accounts.get('a')!;
  const rulebook = linear ? binanceUsdm : binanceCoinm;
  return rulebook.liquidation!(a, accountExposure(a, view), view);
}

// The wallet is a share of the position's notional (2% to 100%), so that most accounts are not already under water.
const cases = fc
  .record({
    linear: fc.boolean(),
    quantity: fc.double({ min: 0.05, max: 40, noNaN: true }).chain((q) => fc.constantFrom(q, -q)),
    entryFactor: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
    walletShare: fc.double({ min: 0.02, max: 1, noNaN: true }),
  })
  .map(({ walletShare, ...c }): Case => ({
    ...c,
    wallet: walletShare * Math.abs(c.quantity) * 40_000,
    other: 0,
  }));

// Linear sizes in BTC; inverse sizes scaled to contracts of 100 USD (1 BTC at 40,000 = 400 contracts).
const scaled = (c: Case): Case => ({
  ...c,
  quantity: c.linear ? c.quantity : Math.round(c.quantity * 400) || 1,
  wallet: c.linear ? c.wallet : c.wallet / 40_000,
  other: c.linear ? c.other : Math.round(c.other * 400),
});

describe('Binance rulebooks: properties', () => {
  it('isolated margin added moves the liquidation price away from the mark (never closer)', () => {
    let compared = 0;
    fc.assert(
      fc.property(cases, fc.double({ min: 0.01, max: 0.5, noNaN: true }), (raw, extra) => {
        const c = scaled(raw);
        const notionalQuote = Math.abs(raw.quantity) * 40_000;
        const margin = notionalQuote * 0.1;
        const add = notionalQuote * extra * (c.linear ? 1 : 1 / 40_000);
        const base = margin * (c.linear ? 1 : 1 / 40_000);
        const lp = (m: number) =>
          prices(withFirst(book(c), { isolatedMargin: m }), c.linear).find((l) => l.mode === 'isolated');
        const before = lp(base);
        const after = lp(base + add);
        const context = JSON.stringify({ c, base, add, before, after });
        assert.equal(firstNonFinite([before, after]), undefined, context);
        if (before?.price === null || before?.price === undefined) return;
        if (after?.price === null || after?.price === undefined) return; // pushed beyond zero: no liquidation
        // Already under water with either margin: the price is the mark itself, nothing to compare.
        if (before.detail?.status === 'now' || after.detail?.status === 'now') return;
        compared++;
        if (c.quantity > 0) assert.ok(after.price < before.price, context);
        else assert.ok(after.price > before.price, context);
      }),
      RUNS,
    );
    assert.ok(compared > RUNS.numRuns / 3, `only ${compared} cases compared`);
  });

  it('cross wallet added moves the price away from the mark', () => {
    let compared = 0;
    fc.assert(
      fc.property(cases, fc.double({ min: 1_000, max: 100_000, noNaN: true }), (raw, more) => {
        const c = scaled(raw);
        const extra = c.linear ? more : more / 40_000;
        const [before] = prices(book(c), c.linear);
        const [after] = prices(book(c, extra), c.linear);
        const context = JSON.stringify({ c, extra, before, after });
        const gone = (x: typeof before) =>
          x?.price === null || x?.price === undefined || x.detail?.status === 'now';
        if (gone(before) || gone(after) || before === undefined || after === undefined) return;
        if (before.price === null || after.price === null) return;
        compared++;
        if (c.quantity > 0) assert.ok(after.price < before.price, context);
        else assert.ok(after.price > before.price, context);
      }),
      RUNS,
    );
    assert.ok(compared > RUNS.numRuns / 3, `only ${compared} cases compared`);
  });

  it("an isolated position's price does not depend on the account's other positions or wallet", () => {
    fc.assert(
      fc.property(cases, fc.double({ min: -30, max: 30, noNaN: true }), (raw, other) => {
        const c = scaled(raw);
        const isolated = (Math.abs(raw.quantity) * 40_000 * 0.2) / (c.linear ? 1 : 40_000);
        const alone = prices(withFirst(book(c), { isolatedMargin: isolated }), c.linear).find(
          (l) => l.mode === 'isolated',
        );
        const crowded = prices(
          withFirst(book(scaled({ ...raw, other, wallet: raw.wallet * 3 + 1 })), {
            isolatedMargin: isolated,
          }),
          c.linear,
        ).find((l) => l.mode === 'isolated');
        assert.deepEqual(crowded?.price, alone?.price, JSON.stringify({ c, other, alone, crowded }));
      }),
      RUNS,
    );
  });

  it("the solver's price is Binance's formula evaluated with the bracket it reports", () => {
    let compared = 0;
    fc.assert(
      fc.property(cases, (raw) => {
        const c = scaled(raw);
        for (const l of prices(book(c), c.linear)) {
          if (l.price === null || l.detail?.status === 'now') continue;
          const key = `${c.linear ? 'BTCUSDT' : 'BTCUSD_PERP'}:BOTH`;
          const x: BinanceFormulaInputs = {
            ...NO_POSITION,
            WB: Number(l.detail?.WB),
            cumB: Number(l.detail?.[`${key}:cum`]),
            mmrB: Number(l.detail?.[`${key}:mmRate`]),
            side1BOTH: c.quantity > 0 ? 1 : -1,
            position1BOTH: Math.abs(c.quantity),
            ep1BOTH: 40_000 * c.entryFactor,
          };
          const formula = c.linear ? usdmLiquidationPrice(x) : coinmLiquidationPrice(x, 100);
          const context = JSON.stringify({ c, l, x, formula });
          assert.ok(formula !== null && Math.abs(formula - l.price) <= 1e-7 * l.price, context);
          compared++;
        }
      }),
      RUNS,
    );
    assert.ok(compared > RUNS.numRuns / 2, `only ${compared} prices compared`);
  });
});

describe('Binance brackets: continuity', () => {
  it('the shipped 2024-10 tables: given cum equals the chain, MM continuous at every cap', () => {
    for (const [symbol, table] of BINANCE_USDM_BRACKETS_2024_10) {
      const derived = maintenanceAmounts(table.map((b) => ({ ...b, maintenanceAmount: undefined })));
      table.forEach((b, i) =>
        assert.ok(
          Math.abs(derived[i]! - b.maintenanceAmount!) <= 1e-6,
          `${symbol} bracket ${i + 1}: given ${b.maintenanceAmount}, chain ${derived[i]}`,
        ),
      );
      for (const b of table.slice(0, -1)) {
        const cap = b.notionalCap!;
        const below = bracketMargin(table, cap * (1 - 1e-12), undefined).mm;
        const above = bracketMargin(table, cap * (1 + 1e-12), undefined).mm;
        assert.ok(Math.abs(below - above) <= 1e-9 * cap, `${symbol} at ${cap}: ${below} vs ${above}`);
      }
    }
  });

  it('any table with derived cum is continuous and non-decreasing in notional', () => {
    const table = fc
      .array(
        fc.tuple(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 0.1, noNaN: true })),
        {
          minLength: 1,
          maxLength: 8,
        },
      )
      .map((rows) => {
        let cap = 0;
        let rate = 0.001;
        return rows.map(([width, step]) => {
          cap += width;
          rate = Math.min(1, rate + step);
          return { notionalCap: cap, mmRate: rate, maxLeverage: 1 / rate, maintenanceAmount: undefined };
        });
      });
    fc.assert(
      fc.property(table, fc.double({ min: 0, max: 1, noNaN: true }), (t, u) => {
        for (const b of t.slice(0, -1)) {
          const cap = b.notionalCap;
          const below = bracketMargin(t, cap * (1 - 1e-12), undefined).mm;
          const above = bracketMargin(t, cap * (1 + 1e-12), undefined).mm;
          assert.ok(
            Math.abs(below - above) <= 1e-9 * Math.max(1, cap),
            JSON.stringify({ t, cap, below, above }),
          );
        }
        const top = t[t.length - 1]!.notionalCap;
        const n = u * top;
        const a = bracketMargin(t, n, undefined).mm;
        const b = bracketMargin(t, n * 1.01 + 1, undefined).mm;
        assert.ok(b >= a - 1e-9, JSON.stringify({ t, n, a, b }));
      }),
      RUNS,
    );
  });
});
