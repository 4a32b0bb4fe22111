// OKX rulebook: position tiers, multi-currency discount rates and liquidation prices.
// Sources: OKX help "Multi-currency margin mode: cross margin trading" (okx.com/help/iv-multi-currency-margin-
// mode-cross-margin-trading, the 100 BTC discount example); OKX's position tier change of 2023-08-23 for
// BTC/USDC and ETH/USDC perpetuals (einpresswire.com/article/651488898); OKX's isolated liquidation formulas
// (margin ratio = (margin + P&L) / (position value x (MMR + fee)) = 100%). Other figures are derived by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, type AccountInput } from '../../../src/core/index.js';
import { checkRulebooks, rulebooks } from '../../../src/margin/index.js';
import { BTC_DISCOUNT_TIERS, discountedAmount } from '../../../src/margin/rulebooks/okxCollateral.js';
import { okxIsolatedPrices } from '../../../src/margin/rulebooks/okxLiquidation.js';
import { POSITION_TIERS, positionTier } from '../../../src/margin/rulebooks/okxTiers.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { AS_OF, bookInput, resolve } from '../../support/books.js';
import { checkExampleBook, close, marginAccount, withExtra, type Extra } from './support.js';

const ID = 'okx-swap@2024-10';
const rulebook = rulebooks.get(ID)!;

// Contract values as OKX lists them: 0.0001 BTC per BTC-USDC-SWAP contract, 100 USD per BTC-USD-SWAP contract.
const INSTRUMENTS = [
  { id: 'BTC-USDC-SWAP', kind: 'perpetual' as const, underlying: 'BTC', quote: 'USDC', contractSize: 0.0001 },
  {
    id: 'BTC-USD-SWAP',
    kind: 'perpetual' as const,
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse' as const,
    contractSize: 100,
  },
  { id: 'ETH-USDC-SWAP', kind: 'perpetual' as const, underlying: 'ETH', quote: 'USDC', contractSize: 0.001 },
];
// A single-tier table for the coin-margined swap (MMR 0.4%, 100x), so the hand derivations stay short.
const INVERSE_TIERS = {
  positionTiers: { 'BTC-USD-SWAP': { tiers: [{ maxContracts: 1e9, mmr: 0.004, imr: 0.01 }] } },
};
// OKX's BTC discount tiers as haircuts for the report's collateral valuation, with haircut 1 past 110 BTC
// (minDiscountRate 0), so that the root-finder's equity is OKX's adjusted equity.
const BTC_HAIRCUTS = [
  ...BTC_DISCOUNT_TIERS.map((t) => ({ upTo: t.upTo, haircut: 1 - t.rate })),
  { haircut: 1 },
];

/** Returns a one-account book's margin and liquidation; `extra` adds leverage or isolated margin per position. */
function book(account: Omit<AccountInput, 'id'>, extra: Extra[] = [], btc = 60_000) {
  const resolved = resolve(
    bookInput({
      instruments: INSTRUMENTS,
      accounts: [{ id: 'a', venue: 'okx', rulebook: ID, ...account, positions: withExtra(account, extra) }],
      market: { asOf: AS_OF, prices: { BTC: btc, ETH: 3_000, USDC: 1 } },
    }),
  );
  return marginAccount(resolved, rulebook);
}

const swap = (quantity: number, entryPrice = 60_000, instrument = 'BTC-USDC-SWAP') => ({
  instrument,
  quantity,
  entryPrice,
});

describe('OKX discount rates', () => {
  it("the help page's example: 100 BTC at 60,000 USD count 5,785,500 USD", () => {
    // 20 x 0.98 + 5 x 0.975 + 5 x 0.97 + 20 x 0.965 + 20 x 0.96 + 20 x 0.955 + 10 x 0.95 = 96.425 BTC.
    close(discountedAmount(100, BTC_DISCOUNT_TIERS, 0) * 60_000, 5_785_500, 'adjusted equity');
  });

  it('liabilities count in full; amounts past the last tier count at minDiscountRate', () => {
    assert.equal(discountedAmount(-3, BTC_DISCOUNT_TIERS, 0), -3);
    // 110 BTC: 96.425 + 10 x 0.95 = 105.925; 120 BTC adds 10 x minDiscountRate.
    close(discountedAmount(120, BTC_DISCOUNT_TIERS, 0), 105.925, 'min rate 0');
    close(discountedAmount(120, BTC_DISCOUNT_TIERS, 0.5), 110.925, 'min rate 0.5');
  });

  it('discounted value is continuous at every tier bound and never falls with the amount', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200, noNaN: true }), (amount) => {
        for (const t of BTC_DISCOUNT_TIERS) {
          const b = t.upTo!;
          const jump =
            discountedAmount(b * (1 + 1e-12), BTC_DISCOUNT_TIERS, 0) -
            discountedAmount(b * (1 - 1e-12), BTC_DISCOUNT_TIERS, 0);
          assert.ok(Math.abs(jump) < 1e-9, `jump ${jump} at ${b}`);
        }
        assert.ok(
          discountedAmount(amount + 0.5, BTC_DISCOUNT_TIERS, 0) >=
            discountedAmount(amount, BTC_DISCOUNT_TIERS, 0),
          `falls after ${amount}`,
        );
      }),
    );
  });
});

describe('OKX position tiers (BTCUSDC perpetual, 2023-08-23)', () => {
  const table = POSITION_TIERS['BTC-USDC-SWAP']!;
  it('tiers 1-3 as published, then +60,000 contracts and +0.5% MMR and IMR per tier', () => {
    assert.deepEqual(
      [15_000, 15_001, 60_000].map((c) => positionTier(table, c).tier),
      [1, 2, 3],
    );
    close(positionTier(table, 15_000).mmr, 0.005, 'tier 1 MMR');
    close(1 / positionTier(table, 15_000).imr, 75, 'tier 1 max leverage');
    // 60,001 contracts: tier 4, to 120,000, MMR 1% + 0.5% = 1.5%, IMR 2.5% + 0.5% = 3%.
    const t4 = positionTier(table, 60_001);
    assert.equal(t4.tier, 4);
    assert.equal(t4.maxContracts, 120_000);
    close(t4.mmr, 0.015, 'tier 4 MMR');
    close(t4.imr, 0.03, 'tier 4 IMR');
    // 180,001 contracts: ceil(120,001 / 60,000) = 3 tiers past tier 3 -> tier 6: MMR 2.5%, IMR 4%, to 240,000.
    const t6 = positionTier(table, 180_001);
    assert.deepEqual([t6.tier, t6.maxContracts], [6, 240_000]);
    close(t6.mmr, 0.025, 'tier 6 MMR');
  });

  it('margin of 20,000 contracts (2 BTC) at 60,000: tier 2, MM 0.75% + fee 0.05%, IM at 50x or the set leverage', () => {
    // Value 120,000 USDC: MM 900, closing fee 60; IM 120,000 / 50 = 2,400, or / 10 = 12,000 at 10x.
    const m = book({ positions: [swap(20_000)] }).margin();
    close(m.mm, 960, 'MM + fee');
    close(m.im, 2_400, 'IM at the tier maximum');
    assert.equal(m.components[0]?.detail?.tier, 2);
    close(book({ positions: [swap(20_000)] }, [{ leverage: 10 }]).margin().im, 12_000, 'IM at 10x');
  });

  it('OKX applies a tier to the whole position: MM steps up at a boundary by value x the MMR difference', () => {
    // 15,000 contracts -> 15,001: 1.5 BTC at 60,000 = 90,000 x 0.5% = 450 -> 90,006 x 0.75% = 675.045.
    close(book({ positions: [swap(15_000)] }).margin().mm - 90_000 * 0.0005, 450, 'tier 1');
    close(book({ positions: [swap(15_001)] }).margin().mm - 90_006 * 0.0005, 675.045, 'tier 2');
  });
});

describe('OKX liquidation prices', () => {
  it('isolated USDC-margined long: 6,000 USDC on 2 BTC at 60,000 -> 114,000 / 1.984 = 57,459.68', () => {
    // 6,000 + 2 (P - 60,000) = 2 P (0.75% + 0.05%); bankruptcy where margin + P&L = 0: 60,000 - 6,000 / 2.
    const { liquidation } = book(
      { balances: [{ asset: 'USDC', amount: 6_000 }], positions: [swap(20_000)] },
      [{ isolatedMargin: 6_000 }],
    );
    const e = liquidation().find((x) => x.mode === 'isolated');
    close(e?.price, 114_000 / 1.984, 'liquidation');
    close(e?.bankruptcyPrice, 57_000, 'bankruptcy');
  });

  it("isolated coin-margined: OKX's (1 + MMR + fee) / (1/E + m / (face x contracts)) and its short mirror", () => {
    // 1,000 contracts x 100 USD at 50,000 with 0.2 BTC, MMR 0.4%, fee 0.05%:
    // long  P = 1.0045 / (1/50,000 + 0.2/100,000) = 45,659.09, bankruptcy 1 / 0.000022 = 45,454.55;
    // short P = 0.9955 / (1/50,000 - 0.2/100,000) = 55,305.56, bankruptcy 1 / 0.000018 = 55,555.56.
    const long = okxIsolatedPrices({
      inverse: true,
      size: 100_000,
      entry: 50_000,
      margin: 0.2,
      rate: 0.0045,
    });
    close(long.price, 1.0045 / 0.000022, 'long');
    close(long.bankruptcy, 1 / 0.000022, 'long bankruptcy');
    const short = okxIsolatedPrices({
      inverse: true,
      size: -100_000,
      entry: 50_000,
      margin: 0.2,
      rate: 0.0045,
    });
    close(short.price, 0.9955 / 0.000018, 'short');
    close(short.bankruptcy, 1 / 0.000018, 'short bankruptcy');
    const { liquidation } = book(
      {
        balances: [{ asset: 'BTC', amount: 0.2 }],
        positions: [swap(1_000, 50_000, 'BTC-USD-SWAP')],
        parameters: { rulebook: INVERSE_TIERS },
      },
      [{ isolatedMargin: 0.2 }],
      50_000,
    );
    close(liquidation().find((x) => x.mode === 'isolated')?.price, 1.0045 / 0.000022, 'rulebook');
  });

  /** 1 BTC (counted at 0.98) and `usdc` USDC, long 20,000 BTC-USDC-SWAP from `entry`: closed form and search. */
  const crossLong = (usdc: number, entry = 60_000) => {
    const {
      liquidation,
      book: b,
      view,
    } = book({
      balances: [
        { asset: 'BTC', amount: 1 },
        { asset: 'USDC', amount: usdc },
      ],
      positions: [swap(20_000, entry)],
      parameters: { collateral: { haircuts: { BTC: BTC_HAIRCUTS } } },
    });
    const searched = liquidationPoints(b, 'a', 'BTC', view).find((p) => p.direction === 'down');
    return { closed: liquidation()[0]?.price, searched: searched?.price };
  };

  it('cross, BTC collateral and a USDC-margined long: the closed form matches the root-finder on OKX equity', () => {
    // As BTC falls, both the collateral and the position lose. The report's search, with haircuts equal to OKX's
    // discount, agrees. By hand: the USDC equity becomes 2,000 + 120,000 (f - 1) = 120,000 f - 118,000, negative
    // below f = 0.983, where it counts in full. It is an unrealised loss, not borrowed cash: no loan add-on.
    // 0.98 x 60,000 f + (120,000 f - 118,000) = 120,000 f x 0.8%  ->  f = 118,000 / 177,840.
    const { closed, searched } = crossLong(2_000);
    close(closed, (60_000 * 118_000) / 177_840, 'by hand');
    close(searched, closed!, 'root-finder', 1e-8);
  });

  it('cross with borrowed USDC: the loan add-on applies to the borrowed cash only, not to the loss', () => {
    // As above but the USDC balance is -2,000 (borrowed): the loan add-on is 5% of the 2,000 borrowed (100,
    // fixed as the price moves), while the position's loss lowers equity without adding to it:
    // 0.98 x 60,000 f + (120,000 f - 122,000) - 100 = 120,000 f x 0.8%  ->  f = 122,100 / 177,840.
    const { closed, searched } = crossLong(-2_000);
    close(closed, (60_000 * 122_100) / 177_840, 'by hand');
    close(searched, closed!, 'root-finder', 1e-8);
  });

  it('cross with borrowed USDC that an unrealised profit repays: the loan grows with the loss, then stops', () => {
    // -2,000 USDC and long 2 BTC from 59,000: at 60,000 the profit of 2,000 repays the loan (USDC equity 0). As BTC
    // falls the equity 120,000 (f - 1) goes negative and the loan add-on is 5% of it, until the equity reaches the
    // cash (-2,000, f = 0.983); below, the loss borrows nothing more and the add-on stays at 5% of 2,000 = 100:
    // 0.98 x 60,000 f + (120,000 f - 120,000) - 100 = 120,000 f x 0.8%  ->  f = 120,100 / 177,840.
    const { closed, searched } = crossLong(-2_000, 59_000);
    close(closed, (60_000 * 120_100) / 177_840, 'by hand');
    close(searched, closed!, 'root-finder', 1e-8);
  });

  it('cross with a USDC discount tier crossed on the way: piecewise, still exact', () => {
    // USDC counts 100% to 10,000 and 90% above. 30,000 USDC (27,000 after discount), short 20,000 contracts
    // from 60,000: rising prices take the USDC below 10,000, into the full-rate tier, before liquidation. The
    // report's search with the same haircuts must land on the same price.
    const usdc = [{ upTo: 10_000, rate: 1 }, { rate: 0.9 }];
    const {
      liquidation,
      book: b,
      view,
    } = book({
      balances: [{ asset: 'USDC', amount: 30_000 }],
      positions: [swap(-20_000)],
      parameters: {
        rulebook: { discountRates: { USDC: usdc } },
        collateral: { haircuts: { USDC: [{ upTo: 10_000, haircut: 0 }, { haircut: 0.1 }] } },
      },
    });
    const closed = liquidation()[0];
    assert.equal(closed?.detail?.direction, 'up');
    // Above f where USDC = 10,000 (f = 1 + 20,000/120,000) the USDC counts in full: 30,000 - 120,000 (f - 1)
    // = 120,000 f x 0.8%  ->  f = 150,000 / 120,960.
    close(closed?.price, (60_000 * 150_000) / 120_960, 'by hand');
    const searched = liquidationPoints(b, 'a', 'BTC', view).find((p) => p.direction === 'up');
    close(searched?.price, closed.price!, 'root-finder', 1e-8);
  });

  it('cross coin-margined long against BTC collateral: solved in 1/f, agrees with the root-finder', () => {
    const {
      liquidation,
      book: b,
      view,
    } = book(
      {
        balances: [{ asset: 'BTC', amount: 0.5 }],
        positions: [swap(2_000, 50_000, 'BTC-USD-SWAP')],
        parameters: { rulebook: INVERSE_TIERS, collateral: { haircuts: { BTC: BTC_HAIRCUTS } } },
      },
      [],
      50_000,
    );
    // By hand: coin 0.5 + 200,000 (1/50,000 - 1/P) = 4.5 - 200,000/P at 0.98; requirement 200,000 x 0.45%
    // = 900 USD: 0.98 (4.5 P - 200,000) = 900  ->  P = (900 / 0.98 + 200,000) / 4.5.
    close(liquidation()[0]?.price, (900 / 0.98 + 200_000) / 4.5, 'by hand');
    close(
      liquidationPoints(b, 'a', 'BTC', view).find((p) => p.direction === 'down')?.price,
      liquidation()[0]!.price!,
      'root-finder',
      1e-8,
    );
  });

  it('missing tables are input errors naming the field', () => {
    const noTiers = book({ positions: [swap(10, 60_000, 'BTC-USD-SWAP')] });
    assert.throws(
      noTiers.margin,
      (e: unknown) =>
        e instanceof InputError && e.issues[0]?.path === 'parameters.rulebook.positionTiers.BTC-USD-SWAP',
    );
    const eth = book({ balances: [{ asset: 'ETH', amount: 1 }], positions: [swap(100)] });
    assert.throws(
      eth.liquidation,
      (e: unknown) =>
        e instanceof InputError && e.issues[0]?.path === 'accounts.a.parameters.rulebook.discountRates.ETH',
    );
  });
});

describe('OKX rulebook validation', () => {
  it('checkRulebooks reports missing tables before anything is computed, under accounts.<id>', () => {
    const b = resolve(
      bookInput({
        instruments: INSTRUMENTS,
        accounts: [
          {
            id: 'a',
            rulebook: ID,
            balances: [
              { asset: 'ETH', amount: 1 },
              { asset: 'SOL', amount: 2 },
            ],
          },
        ],
        market: { asOf: AS_OF, prices: { BTC: 60_000, ETH: 3_000, SOL: 150, STRK: 1, DOGE: 0.1, USDC: 1 } },
      }),
    );
    assert.throws(
      () => checkRulebooks(b),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.map((i) => i.path).join() ===
          'accounts.a.parameters.rulebook.discountRates.ETH,accounts.a.parameters.rulebook.discountRates.SOL',
    );
  });
});

describe('OKX properties', () => {
  it('more margin moves the liquidation away; an isolated price ignores the other positions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, -1),
        fc.integer({ min: 100, max: 100_000 }),
        fc.integer({ min: 500, max: 50_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: -50_000, max: 50_000 }),
        (side, contracts, margin, added, other) => {
          const own = swap(side * contracts);
          for (const isolated of [true, false]) {
            const price = (m: number) =>
              book(
                { balances: [{ asset: 'USDC', amount: m }], positions: [own] },
                isolated ? [{ isolatedMargin: m }] : [],
              )
                .liquidation()
                .find((e) => e.mode === (isolated ? 'isolated' : 'cross'))?.price;
            const [a, b] = [price(margin), price(margin + added)];
            const context = `side ${side}, ${contracts} contracts, margin ${margin} + ${added}, isolated ${isolated}: ${a} -> ${b}`;
            if (a === null || a === undefined) assert.ok(b === null || b === undefined, context);
            else if (b !== null && b !== undefined) assert.ok(side > 0 ? b < a : b > a, context);
          }
          const alone = book({ positions: [own] }, [{ isolatedMargin: margin }]).liquidation()[0]?.price;
          const others = other === 0 ? [] : [swap(other, 3_000, 'ETH-USDC-SWAP')];
          const crowd = book({ balances: [{ asset: 'USDC', amount: 1_000 }], positions: [own, ...others] }, [
            { isolatedMargin: margin },
          ]);
          assert.equal(
            crowd.liquidation().find((e) => e.mode === 'isolated')?.price,
            alone,
            `isolated with ${other} ETH contracts`,
          );
        },
      ),
    );
  });

  it('maintenance margin never falls as a position grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500_000 }), fc.integer({ min: 1, max: 100_000 }), (c, more) => {
        const a = book({ positions: [swap(c)] }).margin().mm;
        const b = book({ positions: [swap(c + more)] }).margin().mm;
        assert.ok(b >= a, `${c} -> ${c + more} contracts: MM ${a} -> ${b}`);
      }),
    );
  });
});

describe('the example book examples/venues/okx.book.yaml', () => {
  it('margins with the rulebook and its venue prices agree with the report root-finder', () => {
    checkExampleBook('okx.book.yaml', ID);
  });
});
