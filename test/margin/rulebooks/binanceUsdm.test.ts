// Binance USDⓈ-M: brackets and the cum chain, IM and MM per position, and the published liquidation price formula
// (cross with several positions, isolated, one-way and hedge mode), reproduced from Binance's worked examples and
// checked against the general root-finder.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  InputError,
  loadBook,
  type AccountInput,
  type BookInput,
  type ResolvedBook,
} from '../../../src/core/index.js';
import { rulebooks, type VenueLiquidation } from '../../../src/margin/index.js';
import { binanceUsdm } from '../../../src/margin/rulebooks/binance.js';
import {
  NO_POSITION,
  usdmLiquidationPrice,
  type BinanceFormulaInputs,
} from '../../../src/margin/rulebooks/binanceFormulas.js';
import { createMarketView } from '../../../src/scenarios/index.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { buildReport } from '../../../src/report/index.js';
import { firstNonFinite } from '../../support/books.js';
import { closeAbs as close, marginAccount, withFields } from './support.js';

const ID = 'binance-usdm@2024-10';
const AS_OF = Date.UTC(2021, 5, 1);

const round2 = (x: number | null | undefined): number | undefined =>
  x === null || x === undefined ? undefined : Math.round(x * 100) / 100;

// BTCUSDT brackets announced by Binance on 2021-03-18 ("Updates to Leverage and Margin Tiers of Binance Futures
// Contracts (2021-03-18)", https://www.binance.com/en/support/announcement/86cf9aa472574b8cb2e05bb751c2a9a6): the
// table of the liquidation example below. The cum of each bracket follows from the chain (not given here); the
// liquidation FAQ states two of them: 264,000 USDT falls in the 1% bracket, 500,000 USDT has cum 1,300.
const BTCUSDT_2021 = [
  { notionalCap: 50_000, mmRate: 0.004, maxLeverage: 125 },
  { notionalCap: 250_000, mmRate: 0.005, maxLeverage: 100 },
  { notionalCap: 1_000_000, mmRate: 0.01, maxLeverage: 50 },
  { notionalCap: 10_000_000, mmRate: 0.025, maxLeverage: 20 },
  { notionalCap: 20_000_000, mmRate: 0.05, maxLeverage: 10 },
  { notionalCap: 50_000_000, mmRate: 0.1, maxLeverage: 5 },
  { notionalCap: 100_000_000, mmRate: 0.125, maxLeverage: 4 },
  { notionalCap: 200_000_000, mmRate: 0.15, maxLeverage: 3 },
  { notionalCap: 300_000_000, mmRate: 0.25, maxLeverage: 2 },
  { notionalCap: 500_000_000, mmRate: 0.5, maxLeverage: 1 },
];
// ETHUSDT: the example's own figures for the position's bracket, MMR 10% and cum 135,365 USDT.
const ETHUSDT_EXAMPLE = [{ mmRate: 0.1, maintenanceAmount: 135_365, maxLeverage: 5 }];

const INSTRUMENTS: BookInput['instruments'] = [
  { id: 'BTCUSDT', kind: 'perpetual', underlying: 'BTC', quote: 'USDT' },
  { id: 'ETHUSDT', kind: 'perpetual', underlying: 'ETH', quote: 'USDT' },
  { id: 'SOLUSDT', kind: 'perpetual', underlying: 'SOL', quote: 'USDT' },
];

function book(account: Omit<AccountInput, 'id'>, marks: Record<string, number>): ResolvedBook {
  return loadBook(
    JSON.stringify({
      reportingCurrency: 'USD',
      instruments: INSTRUMENTS,
      accounts: [{ id: 'a', rulebook: ID, ...account }],
      market: {
        asOf: AS_OF,
        prices: { BTC: marks.BTCUSDT ?? 40_000, ETH: marks.ETHUSDT ?? 2_000, SOL: 100, USDT: 1 },
        instruments: Object.fromEntries(Object.entries(marks).map(([id, mark]) => [id, { mark }])),
      },
    } satisfies BookInput),
  );
}

const venue = (b: ResolvedBook): VenueLiquidation[] => marginAccount(b, binanceUsdm).liquidation();

const margin = (b: ResolvedBook) => marginAccount(b, binanceUsdm).margin();

// Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts"
// (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93), the cross-margin example: wallet
// balance 1,535,443.01 USDT; BTCUSDT long 109.488 at 32,481.98, mark 31,967.27, MMR 2.5%, cum 16,300; ETHUSDT long
// 3,683.979 at 1,456.84, mark 1,335.18, MMR 10%, cum 135,365. Liquidation prices: BTCUSDT 26,316.89, ETHUSDT
// 1,153.26. (The example is restated with the same figures in freqtrade's tests/exchange/test_binance.py.)
const EXAMPLE = {
  balances: [{ asset: 'USDT', amount: '1535443.01' }],
  positions: [
    { instrument: 'BTCUSDT', quantity: '109.488', entryPrice: '32481.98' },
    { instrument: 'ETHUSDT', quantity: '3683.979', entryPrice: '1456.84' },
  ],
  parameters: { rulebook: { brackets: { BTCUSDT: BTCUSDT_2021, ETHUSDT: ETHUSDT_EXAMPLE } } },
};
const EXAMPLE_MARKS = { BTCUSDT: 31_967.27, ETHUSDT: 1_335.18 };

describe('Binance USDⓈ-M: the published cross example', () => {
  // TMM1 and UPNL1 of each contract are the other contract's MM and P&L at its mark, derived by hand:
  // ETH MM = 3,683.979 x 1,335.18 x 10% - 135,365 = 356,512.51; ETH P&L = 3,683.979 x (1,335.18 - 1,456.84)
  // = -448,192.89. BTC MM = 109.488 x 31,967.27 x 2.5% - 16,300 = 71,200.81; BTC P&L = -56,354.57.
  const btc: BinanceFormulaInputs = {
    ...NO_POSITION,
    WB: 1_535_443.01,
    TMM1: 3683.979 * 1335.18 * 0.1 - 135_365,
    UPNL1: 3683.979 * (1335.18 - 1456.84),
    cumB: 16_300,
    side1BOTH: 1,
    position1BOTH: 109.488,
    ep1BOTH: 32_481.98,
    mmrB: 0.025,
  };
  const eth: BinanceFormulaInputs = {
    ...NO_POSITION,
    WB: 1_535_443.01,
    TMM1: 109.488 * 31_967.27 * 0.025 - 16_300,
    UPNL1: 109.488 * (31_967.27 - 32_481.98),
    cumB: 135_365,
    side1BOTH: 1,
    position1BOTH: 3683.979,
    ep1BOTH: 1456.84,
    mmrB: 0.1,
  };

  it('the formula as published gives 26,316.89 (BTCUSDT) and 1,153.26 (ETHUSDT)', () => {
    assert.equal(round2(usdmLiquidationPrice(btc)), 26_316.89, JSON.stringify(btc));
    assert.equal(round2(usdmLiquidationPrice(eth)), 1_153.26, JSON.stringify(eth));
  });

  it('the rulebook reproduces both from the book, with the cum chain giving 16,300', () => {
    const b = book(EXAMPLE, EXAMPLE_MARKS);
    const out = venue(b);
    const byInstrument = new Map(out.map((l) => [l.instrument, l]));
    const btcLp = byInstrument.get('BTCUSDT');
    const ethLp = byInstrument.get('ETHUSDT');
    assert.equal(round2(btcLp?.price), 26_316.89, JSON.stringify(out));
    assert.equal(round2(ethLp?.price), 1_153.26, JSON.stringify(out));
    assert.equal(btcLp?.mode, 'cross');
    close(Number(btcLp?.detail?.['BTCUSDT:BOTH:cum']), 16_300, 1e-6, btcLp);
    assert.equal(btcLp?.detail?.['BTCUSDT:BOTH:mmRate'], 0.025);
    close(Number(btcLp?.detail?.TMM1), 356_512.508, 1e-3, btcLp);
    close(Number(btcLp?.detail?.UPNL1), -448_192.885, 1e-3, btcLp);
  });

  it("the FAQ's bracket statements: 264,000 USDT is in the 1% bracket, 500,000 USDT has cum 1,300", () => {
    const b = book(
      { ...EXAMPLE, positions: [{ instrument: 'BTCUSDT', quantity: '10', entryPrice: '26400' }] },
      { BTCUSDT: 26_400 },
    );
    const c = margin(b).components[0]!;
    assert.equal(c.detail?.mmRate, 0.01, JSON.stringify(c));
    const half = book(
      { ...EXAMPLE, positions: [{ instrument: 'BTCUSDT', quantity: '10', entryPrice: '50000' }] },
      { BTCUSDT: 50_000 },
    );
    assert.equal(margin(half).components[0]!.detail?.cum, 1_300);
  });

  it('the general root-finder finds the same prices (within 1e-6 relative)', () => {
    const b = book(EXAMPLE, EXAMPLE_MARKS);
    const view = createMarketView(b.market, b.reportingCurrency);
    for (const [u, expected] of [
      ['BTC', 26_316.893264],
      ['ETH', 1_153.256464],
    ] as const) {
      const down = liquidationPoints(b, 'a', u, view, 'account').find((p) => p.direction === 'down');
      close(down?.price, expected, expected * 1e-6, {
        u,
        points: liquidationPoints(b, 'a', u, view, 'account'),
      });
    }
  });
});

describe('Binance USDⓈ-M: isolated and hedge mode', () => {
  it('isolated: WB is the isolated wallet, TMM1 = UPNL1 = 0 (derived by hand)', () => {
    // Long 109.488 BTCUSDT at 32,481.98 with an isolated wallet of 500,000 USDT, MMR 2.5%, cum 16,300:
    // LP = (500,000 + 16,300 - 109.488 x 32,481.98) / (109.488 x 0.025 - 109.488) = 28,478.35.
    const inputs = { ...NO_POSITION, WB: 500_000, cumB: 16_300, side1BOTH: 1 as const };
    const x = { ...inputs, position1BOTH: 109.488, ep1BOTH: 32_481.98, mmrB: 0.025 };
    const expected = (500_000 + 16_300 - 109.488 * 32_481.98) / (109.488 * 0.025 - 109.488);
    close(usdmLiquidationPrice(x), expected, 1e-9, x);
    const b = withFields(book(EXAMPLE, EXAMPLE_MARKS), [{ isolatedMargin: 500_000 }, {}]);
    const iso = venue(b).find((l) => l.mode === 'isolated');
    close(iso?.price, expected, 1e-6, iso);
    assert.equal(round2(expected), 28_478.35);
  });

  it('hedge mode: a long and a short leg share one price; the formula with LONG and SHORT terms', () => {
    // Long 1 and short 0.5 BTCUSDT in one cross wallet of 3,000 USDT, entries 40,000 and 41,000, mark 40,000; at
    // the price both legs are in bracket 1 of the 2021 table (under 50,000 USDT: MMR 0.4%, cum 0). With L = 1,
    // S = 0.5: LP = (3,000 - 1 x 40,000 + 0.5 x 41,000) / (1 x 0.004 + 0.5 x 0.004 - 1 + 0.5) = 33,400.81.
    const x: BinanceFormulaInputs = {
      ...NO_POSITION,
      WB: 3_000,
      position1LONG: 1,
      ep1LONG: 40_000,
      position1SHORT: 0.5,
      ep1SHORT: 41_000,
      mmrL: 0.004,
      mmrS: 0.004,
    };
    const expected = (3_000 - 40_000 + 0.5 * 41_000) / (0.004 + 0.5 * 0.004 - 1 + 0.5);
    close(usdmLiquidationPrice(x), expected, 1e-9, x);
    const b = withFields(
      book(
        {
          balances: [{ asset: 'USDT', amount: 3_000 }],
          positions: [
            { instrument: 'BTCUSDT', quantity: 1, entryPrice: 40_000 },
            { instrument: 'BTCUSDT', quantity: -0.5, entryPrice: 41_000 },
          ],
          parameters: { rulebook: { brackets: { BTCUSDT: BTCUSDT_2021 } } },
        },
        { BTCUSDT: 40_000 },
      ),
      [{ positionSide: 'long' }, { positionSide: 'short' }],
    );
    const lp = venue(b).find((l) => l.mode === 'cross');
    close(lp?.price, expected, 1e-6, lp);
    assert.equal(lp?.detail?.['BTCUSDT:LONG:mmRate'], 0.004);
    assert.equal(round2(expected), 33_400.81);
  });

  it('a short is liquidated above the mark; a position that changes bracket on the way uses the new one', () => {
    // Short 30 BTCUSDT at 30,000 (900,000 USDT, bracket 3: 1%, cum 1,300) with 60,000 USDT. In bracket 3:
    // LP = (60,000 + 1,300 + 30 x 30,000) / (30 x 0.01 + 30) = 31,726.07, notional 951,782 < 1,000,000: stays.
    // With 150,000 USDT: bracket 3 would give LP 34,696.36 (1,040,891 > 1,000,000), so bracket 4 (2.5%, cum
    // 16,300): LP = (150,000 + 16,300 + 900,000) / (30 x 0.025 + 30) = 34,676.42, notional 1,040,293: in bracket 4.
    const base = {
      positions: [{ instrument: 'BTCUSDT', quantity: -30, entryPrice: 30_000 }],
      parameters: { rulebook: { brackets: { BTCUSDT: BTCUSDT_2021 } } },
    };
    const small = venue(
      book({ ...base, balances: [{ asset: 'USDT', amount: 60_000 }] }, { BTCUSDT: 30_000 }),
    );
    close(small[0]?.price, (60_000 + 1_300 + 900_000) / (0.3 + 30), 1e-6, small);
    assert.equal(small[0]?.detail?.direction, 'up');
    const big = venue(book({ ...base, balances: [{ asset: 'USDT', amount: 150_000 }] }, { BTCUSDT: 30_000 }));
    close(big[0]?.price, (150_000 + 16_300 + 900_000) / (0.75 + 30), 1e-6, big);
    assert.equal(big[0]?.detail?.['BTCUSDT:BOTH:bracket'], 4);
  });
});

describe('Binance USDⓈ-M: margin', () => {
  it("IM = notional / leverage, as Binance's cost example: 9,253.30 x 1 BTC / 20 = 462.66 USDT", () => {
    // Binance, "Cost Required to Open a Position" (USDⓈ-M, https://www.binance.com/en/support/faq/
    // 87fa7ee33b574f7084d42bd2ce2e463b) example: (9,253.30 x 1 BTC) / 20 = 462.66 USDT (462.665 to the cent). No leverage given: Binance's default 20x.
    const b = book(
      { positions: [{ instrument: 'BTCUSDT', quantity: 1, entryPrice: 9_253.3 }] },
      { BTCUSDT: 9_253.3 },
    );
    const r = margin(b);
    close(r.im, 462.665, 1e-9, r.components);
    assert.equal(Math.floor(r.im * 100) / 100, 462.66);
    // MM in bracket 1 of the shipped 2024-10 table: 9,253.30 x 0.4% - 0 = 37.0132.
    close(r.mm, 37.0132, 1e-9, r.components);
  });

  it('leverage from the position, capped by the bracket; MM = notional x MMR - cum (2024-10 table)', () => {
    // 25 BTC at 40,000 = 1,000,000 USDT: bracket 3 of 2024-10 (0.65%, cum 950, max 75x). MM = 6,500 - 950 = 5,550.
    // At 125x the leverage is capped to 75x: IM = 13,333.33; at 10x IM = 100,000.
    const b = book({ positions: [{ instrument: 'BTCUSDT', quantity: 25, entryPrice: 40_000 }] }, {});
    close(margin(withFields(b, [{ leverage: 125 }])).im, 1_000_000 / 75, 1e-6, 'capped');
    close(margin(withFields(b, [{ leverage: 10 }])).im, 100_000, 1e-6, '10x');
    close(margin(b).mm, 5_550, 1e-6, 'MM');
  });

  it('a symbol with no table is an input error naming the field', () => {
    const b = book({ positions: [{ instrument: 'SOLUSDT', quantity: 1, entryPrice: 100 }] }, {});
    assert.throws(
      () => binanceUsdm.validate(b.accounts.get('a')!),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.some((i) => i.path === 'accounts.a.parameters.rulebook.brackets.SOLUSDT'),
    );
    const bad = book({ parameters: { rulebook: { bracket: {} } } }, {});
    assert.throws(
      () => binanceUsdm.validate(bad.accounts.get('a')!),
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'accounts.a.parameters.rulebook',
    );
  });

  it('is registered under its versioned id with its sources', () => {
    assert.equal(rulebooks.get(ID), binanceUsdm);
    assert.ok(binanceUsdm.sources.every((s) => s.startsWith('https://www.binance.com/')));
  });
});

describe('Binance USDⓈ-M: correlated moves (beta)', () => {
  it('with betas, the other underlying moves too and the price agrees with a direct solve', () => {
    // Long 109.488 BTC and long 3,683.979 ETH (the example), beta BTC 1, ETH 1.5: when BTC moves by m, ETH moves by
    // 1.5 m. The price is where the cushion is zero; checked by evaluating the cushion there through the margin
    // model and the P&L by hand.
    const b = book(
      {
        ...EXAMPLE,
        parameters: { rulebook: { ...EXAMPLE.parameters.rulebook, beta: { BTC: 1, ETH: 1.5 } } },
      },
      EXAMPLE_MARKS,
    );
    const lp = venue(b).find((l) => l.underlying === 'BTC');
    assert.ok(lp?.price !== null && lp?.price !== undefined, JSON.stringify(lp));
    const m = lp.price / EXAMPLE_MARKS.BTCUSDT - 1;
    const ethMark = EXAMPLE_MARKS.ETHUSDT * (1 + 1.5 * m);
    const btcMm = 109.488 * lp.price * 0.025 - 16_300;
    const ethMm = 3683.979 * ethMark * 0.1 - 135_365;
    const pnl = 109.488 * (lp.price - 32_481.98) + 3683.979 * (ethMark - 1456.84);
    close(1_535_443.01 + pnl - btcMm - ethMm, 0, 1e-4, lp);
    assert.ok(lp.price > 26_316.89, 'ETH falling with BTC brings the BTC price up');
  });
});

describe('Binance USDⓈ-M: the example book', () => {
  const file = 'examples/venues/binance.book.yaml';
  it('reports the rulebook margin and venue liquidation prices', (t) => {
    if (!existsSync(file)) return t.skip(`${file} not present`);
    const report = buildReport(loadBookFile(file), { policy: 'account' });
    const node = report.nodes.find((n) => n.model === ID);
    assert.ok(node !== undefined, 'no account margined by the rulebook');
    assert.ok((node.venueLiquidation ?? []).length > 0, JSON.stringify(node));
    assert.ok(node.im > 0 && node.mm > 0 && node.mm < node.im, JSON.stringify(node));
    assert.equal(firstNonFinite(report), undefined, 'NaN or Infinity in the report');
  });
});

function loadBookFile(path: string): ResolvedBook {
  return loadBook(readFileSync(path, 'utf8'));
}
