// Hyperliquid rulebook: margin tiers with the maintenance deduction recursion, IM = notional / leverage, and
// the liquidation prices of the docs (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers,
// .../trading/liquidations). Every expected number is derived by hand in its comment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, type AccountInput, type ResolvedBook } from '../../../src/core/index.js';
import { accountExposure, checkRulebooks, rulebooks } from '../../../src/margin/index.js';
import { docsLiquidationPrice } from '../../../src/margin/rulebooks/hyperliquidLiquidation.js';
import {
  MAINNET_TABLES,
  TESTNET_TABLES,
  maintenanceMargin,
  tierAt,
  tierTerms,
  type MarginTier,
} from '../../../src/margin/rulebooks/hyperliquidTiers.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { buildReport } from '../../../src/report/index.js';
import { createMarketView } from '../../../src/scenarios/index.js';
import { AS_OF, bookInput, resolve } from '../../support/books.js';
import { checkExampleBook, close, marginAccount, withExtra, type Extra } from './support.js';

const ID = 'hyperliquid-perp@2026-11';
const rulebook = rulebooks.get(ID)!;

const INSTRUMENTS = [
  { id: 'BTC-PERP', kind: 'perpetual' as const, underlying: 'BTC', quote: 'USDC' },
  { id: 'ETH-PERP', kind: 'perpetual' as const, underlying: 'ETH', quote: 'USDC' },
];

/** Returns a one-account book's margin and liquidation; `extra` adds leverage or isolated margin per position. */
function book(account: Omit<AccountInput, 'id'>, extra: Extra[] = [], prices = { BTC: 40_000, ETH: 2_000 }) {
  const input = bookInput({
    instruments: INSTRUMENTS,
    accounts: [
      { id: 'a', venue: 'hyperliquid', rulebook: ID, ...account, positions: withExtra(account, extra) },
    ],
    market: { asOf: AS_OF, prices: { ...prices, USDC: 1 } },
  });
  const resolved: ResolvedBook = resolve(input);
  const m = marginAccount(resolved, rulebook);
  return { ...m, margin: m.margin() };
}

describe('Hyperliquid margin tiers', () => {
  it('maintenance rate is half the initial rate at max leverage: 20x gives 2.5% (the docs example)', () => {
    // Docs: "at 20x max leverage, maintenance_margin_rate = 2.5%" = 1 / (2 x 20).
    close(tierTerms([{ lowerBound: 0, maxLeverage: 20 }])[0]!.mmRate, 0.025, '20x');
    close(tierTerms(MAINNET_TABLES.BTC!)[0]!.mmRate, 0.0125, 'BTC 40x');
  });

  it('deductions follow the recursion on the testnet BTC table (0 / 10k / 50k / 100k / 300k at 40/25/10/5/3x)', () => {
    // rates 1/80, 1/50, 1/20, 1/10, 1/6. d1 = 10,000 x (0.02 - 0.0125) = 75; d2 = 75 + 50,000 x 0.03 = 1,575;
    // d3 = 1,575 + 100,000 x 0.05 = 6,575; d4 = 6,575 + 300,000 x (1/6 - 0.1) = 26,575.
    const d = tierTerms(TESTNET_TABLES.BTC!).map((t) => t.deduction);
    [0, 75, 1_575, 6_575, 26_575].forEach((e, i) => close(d[i], e, `deduction of tier ${i + 1}`));
    // 60,000 USDC is in tier 3 (10x): 60,000 x 5% - 1,575 = 1,425 = 10,000/80 + 40,000/50 + 10,000/20 by slices.
    close(maintenanceMargin(tierTerms(TESTNET_TABLES.BTC!), 60_000), 1_425, 'MM at 60,000');
  });

  it('mainnet BTC: 40x to 150M, 20x above; the deduction is 150M x (2.5% - 1.25%) = 1,875,000', () => {
    const terms = tierTerms(MAINNET_TABLES.BTC!);
    close(terms[1]!.deduction, 1_875_000, 'deduction');
    assert.equal(tierAt(terms, 149_999_999).tier, 1);
    assert.equal(tierAt(terms, 150_000_000).tier, 2);
  });

  it('IM = notional / leverage (capped at the tier maximum); MM = notional x 1.25% for BTC', () => {
    // 1 BTC at 40,000: notional 40,000. Leverage 10: IM 4,000; MM 40,000 x 1.25% = 500.
    const m = book({ positions: [{ instrument: 'BTC-PERP', quantity: 1, entryPrice: 40_000 }] }, [
      { leverage: 10 },
    ]).margin;
    close(m.im, 4_000, 'IM at 10x');
    close(m.mm, 500, 'MM');
    assert.equal(m.components[0]?.detail?.tier, 1);
    // Leverage 50 exceeds BTC's 40x: IM = 40,000 / 40 = 1,000. No leverage given: the maximum, 40x.
    close(
      book({ positions: [{ instrument: 'BTC-PERP', quantity: 1, entryPrice: 40_000 }] }, [{ leverage: 50 }])
        .margin.im,
      1_000,
      'IM capped',
    );
    close(
      book({ positions: [{ instrument: 'BTC-PERP', quantity: -1, entryPrice: 40_000 }] }).margin.im,
      1_000,
      'IM default',
    );
  });
});

describe('Hyperliquid liquidation prices', () => {
  it('cross long: 1,000 USDC, long 0.5 BTC at 40,000 -> 38,481.01 (docs formula and exact agree)', () => {
    // margin_available = 1,000 - 20,000 x 1.25% = 750; liq = 40,000 - 750 / 0.5 / (1 - 1/80) = 38,481.0127.
    // Check: 1,000 + 0.5 (P - 40,000) = 0.00625 P  ->  P = 19,000 / 0.49375.
    const { liquidation } = book({
      balances: [{ asset: 'USDC', amount: 1_000 }],
      positions: [{ instrument: 'BTC-PERP', quantity: 0.5, entryPrice: 40_000 }],
    });
    const [entry] = liquidation();
    close(entry?.price, 19_000 / 0.49375, 'exact');
    const docs = docsLiquidationPrice({
      price: 40_000,
      side: 1,
      marginAvailable: 750,
      positionSize: 0.5,
      maintenanceLeverage: 80,
    });
    close(entry?.price, docs, 'docs formula');
    assert.equal(entry?.mode, 'cross');
  });

  it('isolated short: 400 USDC on short 2 ETH at 2,000 -> 2,156.86', () => {
    // ETH 25x: rate 2%. 400 - 2 (P - 2,000) = 2 P x 2%  ->  P = 4,400 / 2.04 = 2,156.8627.
    // Docs: margin_available = 400 - 4,000 x 2% = 320; liq = 2,000 + 320 / 2 / (1 + 0.02) = 2,156.8627.
    const { liquidation } = book(
      {
        balances: [{ asset: 'USDC', amount: 5_000 }],
        positions: [{ instrument: 'ETH-PERP', quantity: -2, entryPrice: 2_000 }],
      },
      [{ isolatedMargin: 400, leverage: 10 }],
    );
    const isolated = liquidation().find((e) => e.mode === 'isolated');
    close(isolated?.price, 4_400 / 2.04, 'exact');
    close(
      isolated?.price,
      docsLiquidationPrice({
        price: 2_000,
        side: -1,
        marginAvailable: 320,
        positionSize: 2,
        maintenanceLeverage: 50,
      }),
      'docs',
    );
  });

  it("uses the tier at the liquidation price when it differs from today's (testnet BTC)", () => {
    // 12,000 USDC, long 1 BTC at 60,000: today tier 3 (5%, deduction 1,575). At P near 48,900 the notional is in
    // tier 2 (2%, deduction 75): 12,000 + (P - 60,000) = 0.02 P - 75  ->  P = 47,925 / 0.98 = 48,903.06.
    // The docs form with today's margin_available (10,575) and l = 5% would give 48,868.42, in the wrong tier.
    const { liquidation } = book(
      {
        balances: [{ asset: 'USDC', amount: 12_000 }],
        positions: [{ instrument: 'BTC-PERP', quantity: 1, entryPrice: 60_000 }],
        parameters: { rulebook: { network: 'testnet' } },
      },
      [],
      { BTC: 60_000, ETH: 2_000 },
    );
    close(liquidation()[0]?.price, 47_925 / 0.98, 'tier-2 root');
  });

  it('agrees with the general root-finder on a two-underlying cross account (BTC moved alone)', () => {
    // 3,000 USDC, long 0.5 BTC from 39,000 and short 4 ETH from 2,100: the report's search over full
    // revaluation and the closed form must find the same BTC price.
    const {
      book: b,
      view,
      liquidation,
    } = book({
      balances: [{ asset: 'USDC', amount: 3_000 }],
      positions: [
        { instrument: 'BTC-PERP', quantity: 0.5, entryPrice: 39_000 },
        { instrument: 'ETH-PERP', quantity: -4, entryPrice: 2_100 },
      ],
    });
    const closed = liquidation().find((e) => e.underlying === 'BTC' && e.mode === 'cross');
    const searched = liquidationPoints(b, 'a', 'BTC', view).find((p) => p.direction === 'down');
    assert.ok(
      closed?.price !== null && searched !== undefined,
      `closed ${JSON.stringify(closed)}, searched ${JSON.stringify(searched)}`,
    );
    assert.ok(
      Math.abs(closed!.price / searched.price - 1) < 1e-8,
      `closed ${closed?.price} vs searched ${searched.price}`,
    );
  });

  it('a fully collateralised 1x long has no liquidation price', () => {
    // 50,000 USDC isolated on 1 BTC long at 40,000: 50,000 + (P - 40,000) = 0.0125 P has no positive root.
    const { liquidation } = book(
      {
        balances: [{ asset: 'USDC', amount: 50_000 }],
        positions: [{ instrument: 'BTC-PERP', quantity: 1, entryPrice: 40_000 }],
      },
      [{ isolatedMargin: 50_000 }],
    );
    assert.equal(liquidation().find((e) => e.mode === 'isolated')?.price, null);
  });

  it('spot held beside the perpetuals backs none of them: only the perp balance USDC is cross equity', () => {
    // Hyperliquid margins perpetuals with the perp balance's USDC; spot tokens sit in the spot balance and move to
    // perps only as USDC (docs "Margining"; the API's usdClassTransfer). 1,000 USDC and 2 BTC held, long 0.5 BTC
    // at 40,000: the same liquidation as the 1,000 USDC account above, 19,000 / 0.49375 = 38,481.01, not the
    // price 2 BTC of collateral would give; the report's equity is 1,000 (the BTC at a 100% haircut).
    const {
      book: b,
      view,
      liquidation,
    } = book({
      balances: [
        { asset: 'USDC', amount: 1_000 },
        { asset: 'BTC', amount: 2 },
      ],
      positions: [{ instrument: 'BTC-PERP', quantity: 0.5, entryPrice: 40_000 }],
    });
    const [entry] = liquidation();
    close(entry?.price, 19_000 / 0.49375, 'closed form');
    const searched = liquidationPoints(b, 'a', 'BTC', view).find((p) => p.direction === 'down');
    close(searched?.price, 19_000 / 0.49375, 'report search');
    const node = buildReport(b, { liquidation: false }).nodes.find((n) => n.id === 'a')!;
    close(node.equity, 1_000, 'equity');
  });
});

describe('Hyperliquid parameters', () => {
  it('an underlying without a table is an input error naming the field', () => {
    const b = resolve(
      bookInput({
        instruments: [{ id: 'PEPE-PERP', kind: 'perpetual', underlying: 'PEPE', quote: 'USDC' }],
        accounts: [
          { id: 'a', rulebook: ID, positions: [{ instrument: 'PEPE-PERP', quantity: 1, entryPrice: 1 }] },
        ],
        market: { asOf: AS_OF, prices: { PEPE: 1, USDC: 1 } },
      }),
    );
    const a = b.accounts.get('a')!;
    const view = createMarketView(b.market, b.reportingCurrency);
    const path = (e: unknown) => e instanceof InputError && e.issues[0]?.path;
    assert.throws(
      () => checkRulebooks(b),
      (e: unknown) => path(e) === 'accounts.a.parameters.rulebook.maxLeverage.PEPE',
    );
    assert.throws(
      () => rulebook.liquidation!(a, accountExposure(a, view), view),
      (e: unknown) =>
        e instanceof InputError && e.issues[0]?.path === 'accounts.a.parameters.rulebook.maxLeverage.PEPE',
    );
  });

  it('a malformed table is rejected with its path', () => {
    assert.throws(
      () =>
        book({
          positions: [],
          parameters: { rulebook: { marginTables: { BTC: [{ lowerBound: 5, maxLeverage: 10 }] } } },
        }).margin,
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'parameters.rulebook.marginTables.BTC',
    );
  });
});

// A random margin table: lower bounds from 0 upward, max leverage never growing.
const tableArb = fc
  .array(
    fc.record({ gap: fc.integer({ min: 1_000, max: 10_000_000 }), lev: fc.integer({ min: 1, max: 50 }) }),
    { minLength: 1, maxLength: 6 },
  )
  .map((rows) => {
    let bound = 0;
    let lev = 50;
    return rows.map((r, i): MarginTier => {
      if (i > 0) bound += r.gap;
      lev = Math.min(lev, r.lev);
      return { lowerBound: bound, maxLeverage: lev };
    });
  });

describe('Hyperliquid properties', () => {
  it('maintenance margin is continuous at every tier boundary and never falls with notional', () => {
    fc.assert(
      fc.property(tableArb, fc.double({ min: 0, max: 1e8, noNaN: true }), (tiers, n) => {
        const terms = tierTerms(tiers);
        for (const t of terms.slice(1)) {
          const below = maintenanceMargin(terms, t.lowerBound * (1 - 1e-12));
          const at = maintenanceMargin(terms, t.lowerBound);
          assert.ok(
            Math.abs(below - at) <= 1e-6 * Math.max(1, at),
            `jump at ${t.lowerBound}: ${below} -> ${at} (${JSON.stringify(tiers)})`,
          );
        }
        assert.ok(
          maintenanceMargin(terms, n * 1.01) >= maintenanceMargin(terms, n) - 1e-9,
          `falls after ${n} (${JSON.stringify(tiers)})`,
        );
      }),
    );
  });

  const side = fc.constantFrom(1, -1);
  it('more margin moves the liquidation price away (isolated and cross)', () => {
    fc.assert(
      fc.property(
        side,
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.integer({ min: 200, max: 20_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        (s, qty, margin, added) => {
          const price = (m: number, isolated: boolean): number | null | undefined => {
            const positions = [{ instrument: 'BTC-PERP', quantity: s * qty, entryPrice: 40_000 }];
            const extra = isolated ? [{ isolatedMargin: m }] : [];
            const { liquidation } = book({ balances: [{ asset: 'USDC', amount: m }], positions }, extra);
            return liquidation().find((e) => e.mode === (isolated ? 'isolated' : 'cross'))?.price;
          };
          for (const isolated of [true, false]) {
            const a = price(margin, isolated);
            const b = price(margin + added, isolated);
            const context = `side ${s}, qty ${qty}, margin ${margin} + ${added}, isolated ${isolated}: ${a} -> ${b}`;
            if (a === null || a === undefined) assert.ok(b === null || b === undefined, context);
            else if (b !== null && b !== undefined) assert.ok(s > 0 ? b < a : b > a, context);
          }
        },
      ),
    );
  });

  it('an isolated liquidation price does not depend on the other positions', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -20, max: 20, noNaN: true }),
        fc.integer({ min: -50_000, max: 50_000 }),
        (eth, usdc) => {
          const isolated = { instrument: 'BTC-PERP', quantity: 0.4, entryPrice: 41_000 };
          const alone = book({ positions: [isolated] }, [{ isolatedMargin: 2_000 }]).liquidation()[0]?.price;
          const others = eth === 0 ? [] : [{ instrument: 'ETH-PERP', quantity: eth, entryPrice: 1_900 }];
          const crowd = book(
            { balances: [{ asset: 'USDC', amount: usdc }], positions: [isolated, ...others] },
            [{ isolatedMargin: 2_000 }],
          );
          const withOthers = crowd.liquidation().find((e) => e.mode === 'isolated')?.price;
          assert.equal(withOthers, alone, `eth ${eth}, usdc ${usdc}: ${withOthers} vs ${alone}`);
        },
      ),
    );
  });
});

describe('the example book examples/venues/hyperliquid.book.yaml', () => {
  it('margins with the rulebook and its venue prices agree with the report root-finder', () => {
    checkExampleBook('hyperliquid.book.yaml', ID);
  });
});
