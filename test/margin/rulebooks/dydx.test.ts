// dYdX v4 rulebook: liquidity tiers, the open-interest-scaled IMF, and the liquidation prices of dYdX's docs.
// Sources: https://docs.dydx.xyz/concepts/trading/liquidations (isolated and cross examples),
// https://docs.dydx.xyz/concepts/trading/margin, and the table-driven tests of dydxprotocol/v4-chain
// protocol/x/perpetuals/types/liquidity_tier_test.go (commit 01a48f236c5640df172482db21cd26b8f28ff781), whose
// figures (in quote quantums, 1e-6 USDC) are reproduced below.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, type AccountInput } from '../../../src/core/index.js';
import { checkRulebooks, rulebooks } from '../../../src/margin/index.js';
import { dydxLiquidationPrice } from '../../../src/margin/rulebooks/dydxLiquidation.js';
import {
  LIQUIDITY_TIERS,
  effectiveInitialMarginFraction,
  type LiquidityTier,
} from '../../../src/margin/rulebooks/dydxTiers.js';
import { liquidationPoints } from '../../../src/risk/index.js';
import { AS_OF, bookInput, resolve } from '../../support/books.js';
import { checkExampleBook, close, marginAccount, withExtra, type Extra } from './support.js';

const ID = 'dydx-v4@2024-08';
const rulebook = rulebooks.get(ID)!;

const INSTRUMENTS = ['BTC', 'ETH', 'STRK', 'DOGE'].map((u) => ({
  id: `${u}-USD`,
  kind: 'perpetual' as const,
  underlying: u,
  quote: 'USDC',
}));
// The docs' examples use MMF 5% for ETH and 10% for STRK: the Small-Cap (10% x 0.5) and Long-Tail (20% x 0.5) tiers.
const DOCS_MARKETS = {
  markets: { ETH: { liquidityTier: 'Small-Cap' }, STRK: { liquidityTier: 'Long-Tail' } },
};

/** Returns a one-account book's margin and liquidation; `extra` adds leverage or isolated margin per position. */
function book(account: Omit<AccountInput, 'id'>, extra: Extra[] = [], prices: Record<string, number> = {}) {
  const resolved = resolve(
    bookInput({
      instruments: INSTRUMENTS,
      accounts: [{ id: 'a', venue: 'dydx', rulebook: ID, ...account, positions: withExtra(account, extra) }],
      market: { asOf: AS_OF, prices: { BTC: 40_000, ETH: 3_000, STRK: 1.75, DOGE: 0.1, USDC: 1, ...prices } },
    }),
  );
  return marginAccount(resolved, rulebook);
}

describe('dYdX liquidation prices (docs.dydx.xyz/concepts/trading/liquidations)', () => {
  it('isolated example: 1,000 USDC, short 3 ETH at 3,000, MMF 5% -> 3,174.60', () => {
    // p' = (1000 - (-3 x 3000)) / (3 x 0.05 - (-3)) = 10,000 / 3.15 = 3,174.6032; remaining equity there is 5% of
    // the notional: 3 x 3,174.60 x 0.05 = 476.19 (the docs' "$476.2").
    close(
      dydxLiquidationPrice({ equity: 1_000, size: -3, price: 3_000, mmf: 0.05, otherMaintenance: 0 }),
      10_000 / 3.15,
      'formula',
    );
    const { liquidation } = book(
      {
        balances: [{ asset: 'USDC', amount: 1_000 }],
        positions: [{ instrument: 'ETH-USD', quantity: -3, entryPrice: 3_000 }],
        parameters: { rulebook: DOCS_MARKETS },
      },
      [{ isolatedMargin: 1_000 }],
    );
    const p = liquidation().find((e) => e.mode === 'isolated')?.price;
    close(p, 10_000 / 3.15, 'rulebook');
    close(1_000 - 3 * (p! - 3_000), 476.19, 'equity at liquidation', 1e-5);
  });

  it('cross example: short 1.5 ETH at 3,000 and long 1,000 STRK at 1.75 -> ETH at 3,380.95', () => {
    // MMR_o = 1000 x 1.75 x 10% = 175; p' = (1000 + 4500 - 175) / (1.5 x 0.05 + 1.5) = 5,325 / 1.575 = 3,380.952.
    const { liquidation } = book({
      balances: [{ asset: 'USDC', amount: 1_000 }],
      positions: [
        { instrument: 'ETH-USD', quantity: -1.5, entryPrice: 3_000 },
        { instrument: 'STRK-USD', quantity: 1_000, entryPrice: 1.75 },
      ],
      parameters: { rulebook: DOCS_MARKETS },
    });
    const eth = liquidation().find((e) => e.underlying === 'ETH');
    close(eth?.price, 5_325 / 1.575, 'ETH');
    close(Number(eth?.detail?.otherMaintenance), 175, 'MMR_o');
  });

  it('agrees with the general root-finder (cross, both underlyings moved alone in turn)', () => {
    const {
      book: b,
      view,
      liquidation,
    } = book({
      balances: [{ asset: 'USDC', amount: 1_000 }],
      positions: [
        { instrument: 'ETH-USD', quantity: -1.5, entryPrice: 2_900 },
        { instrument: 'STRK-USD', quantity: 1_000, entryPrice: 1.8 },
      ],
      parameters: { rulebook: DOCS_MARKETS },
    });
    for (const u of ['ETH', 'STRK']) {
      const closed = liquidation().find((e) => e.underlying === u)?.price;
      const searched = liquidationPoints(b, 'a', u, view).filter((p) => p.direction !== 'now');
      assert.equal(searched.length, 1, `${u}: ${JSON.stringify(searched)}`);
      close(closed, searched[0]!.price, `${u} closed form vs root-finder`, 1e-8);
    }
  });
});

describe('dYdX margin', () => {
  it('Large-Cap BTC: IM 5%, MM 5% x 0.6 = 3% of size x oracle price', () => {
    // 1 BTC at 40,000: IM 2,000, MM 1,200.
    const m = book({ positions: [{ instrument: 'BTC-USD', quantity: 1, entryPrice: 40_000 }] }).margin();
    close(m.im, 2_000, 'IM');
    close(m.mm, 1_200, 'MM');
  });

  it('a leverage set on the position raises the IMF to 1 / leverage when higher (custom IMF)', () => {
    // leverage 5: IMF = max(5%, 20%) = 20% -> IM 8,000 on 40,000; MM unchanged.
    const m = book({ positions: [{ instrument: 'BTC-USD', quantity: 1, entryPrice: 40_000 }] }, [
      { leverage: 5 },
    ]).margin();
    close(m.im, 8_000, 'IM at 5x');
    close(m.mm, 1_200, 'MM');
  });

  it('open interest scales the IMF: Small-Cap at 35M open notional is halfway from 10% to 100%', () => {
    // DOGE at 0.1 with 350M DOGE open: open notional 35M, caps 20M-50M: scaling 0.5, IMF = 10% + 0.5 x 90% = 55%.
    // 10,000 DOGE = 1,000 USDC notional: IM 550, MM 1,000 x 5% = 50.
    const m = book({
      positions: [{ instrument: 'DOGE-USD', quantity: 10_000, entryPrice: 0.1 }],
      parameters: {
        rulebook: { markets: { DOGE: { liquidityTier: 'Small-Cap', openInterest: 350_000_000 } } },
      },
    }).margin();
    close(m.im, 550, 'IM');
    close(m.mm, 50, 'MM');
  });

  it('reproduces the OIMF cases of liquidity_tier_test.go', () => {
    const lt = (imf: number, lower: number, upper: number): LiquidityTier => ({
      id: 0,
      initialMarginFraction: imf,
      maintenanceFraction: 1,
      openInterestLowerCap: lower,
      openInterestUpperCap: upper,
    });
    // "base IMF = 20%, scaling_factor = 0.5": caps 1M-2M USDC, open 1.5M: IMF 60%, IM of 500,000 quantums 300,000.
    close(effectiveInitialMarginFraction(lt(0.2, 1e6, 2e6), 1.5e6) * 500_000, 300_000, 'scaling 0.5');
    // "no OIMF since lower_cap = upper_cap = 0": 20%.
    close(effectiveInitialMarginFraction(lt(0.2, 0, 0), 1.5e6), 0.2, 'caps 0');
    // "open_interest >> upper_cap": 100%; "open_interest = lower_cap": the base 20%.
    close(effectiveInitialMarginFraction(lt(0.2, 25e6, 50e6), 80e6), 1, 'above upper cap');
    close(effectiveInitialMarginFraction(lt(0.2, 25e6, 50e6), 25e6), 0.2, 'at lower cap');
    // "realistic numbers": open 28,123,456.789123, caps 25M-60M: IMF = 20% + 0.8 x 3,123,456.789123 / 35M
    // = 27.13933%; on 500,000 quantums dYdX rounds up to 135,697 (unrounded 135,696.65).
    const realistic = effectiveInitialMarginFraction(lt(0.2, 25e6, 60e6), 28_123_456.789123) * 500_000;
    assert.equal(Math.ceil(realistic), 135_697, `realistic: ${realistic}`);
    // GetAdjustedInitialMarginPpm "rounded": caps 1,000,000-2,000,000, open 1,234,567: 0.3876536 (ppm 387,653).
    assert.equal(Math.floor(effectiveInitialMarginFraction(lt(0.2, 1e6, 2e6), 1_234_567) * 1e6), 387_653);
  });

  it('an unmapped market is an input error naming the field; the published tiers are all there', () => {
    assert.deepEqual(Object.keys(LIQUIDITY_TIERS).sort(), [
      'FX',
      'Isolated',
      'Large-Cap',
      'Long-Tail',
      'Mid-Cap',
      'Safety',
      'Small-Cap',
    ]);
    const { liquidation } = book({ positions: [{ instrument: 'DOGE-USD', quantity: 10, entryPrice: 0.1 }] });
    assert.throws(
      liquidation,
      (e: unknown) =>
        e instanceof InputError &&
        e.issues[0]?.path === 'accounts.a.parameters.rulebook.markets.DOGE.liquidityTier',
    );
  });
});

describe('dYdX rulebook validation', () => {
  it('checkRulebooks reports missing tables before anything is computed, under accounts.<id>', () => {
    const b = resolve(
      bookInput({
        instruments: INSTRUMENTS,
        accounts: [
          { id: 'a', rulebook: ID, positions: [{ instrument: 'DOGE-USD', quantity: 10, entryPrice: 0.1 }] },
        ],
        market: { asOf: AS_OF, prices: { BTC: 60_000, ETH: 3_000, SOL: 150, STRK: 1, DOGE: 0.1, USDC: 1 } },
      }),
    );
    assert.throws(
      () => checkRulebooks(b),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.map((i) => i.path).join() === 'accounts.a.parameters.rulebook.markets.DOGE.liquidityTier',
    );
  });
});

describe('dYdX properties', () => {
  it('the OIMF is continuous and never falls as open interest grows', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(LIQUIDITY_TIERS)),
        fc.double({ min: 0, max: 2e8, noNaN: true }),
        (t, oi) => {
          const at = effectiveInitialMarginFraction(t, oi);
          const next = effectiveInitialMarginFraction(t, oi * (1 + 1e-9) + 1e-6);
          assert.ok(next >= at && next - at < 1e-6, `tier ${t.id}, oi ${oi}: ${at} -> ${next}`);
          for (const cap of [t.openInterestLowerCap, t.openInterestUpperCap].filter((c) => c > 0)) {
            const jump = Math.abs(
              effectiveInitialMarginFraction(t, cap * (1 + 1e-12)) -
                effectiveInitialMarginFraction(t, cap * (1 - 1e-12)),
            );
            assert.ok(jump < 1e-6, `tier ${t.id}: jump ${jump} at cap ${cap}`);
          }
        },
      ),
    );
  });

  it('more margin moves the liquidation price away; an isolated price ignores the other positions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, -1),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        fc.integer({ min: 500, max: 30_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        (s, qty, margin, added, eth) => {
          const own = { instrument: 'BTC-USD', quantity: s * qty, entryPrice: 40_000 };
          const price = (m: number): number | null | undefined =>
            book({ balances: [{ asset: 'USDC', amount: m }], positions: [own] }).liquidation()[0]?.price;
          const [a, b] = [price(margin), price(margin + added)];
          const context = `side ${s}, qty ${qty}, margin ${margin} + ${added}: ${a} -> ${b}`;
          if (a === null || a === undefined) assert.ok(b === null || b === undefined, context);
          else if (b !== null && b !== undefined) assert.ok(s > 0 ? b < a : b > a, context);
          const others = eth === 0 ? [] : [{ instrument: 'ETH-USD', quantity: eth, entryPrice: 3_100 }];
          const alone = book({ positions: [own] }, [{ isolatedMargin: margin }]).liquidation()[0]?.price;
          const crowd = book({ balances: [{ asset: 'USDC', amount: 777 }], positions: [own, ...others] }, [
            { isolatedMargin: margin },
          ]);
          assert.equal(
            crowd.liquidation().find((e) => e.mode === 'isolated')?.price,
            alone,
            `isolated with eth ${eth}`,
          );
        },
      ),
    );
  });
});

describe('the example book examples/venues/dydx.book.yaml', () => {
  it('margins with the rulebook and its venue prices agree with the report root-finder', () => {
    checkExampleBook('dydx.book.yaml', ID);
  });
});
