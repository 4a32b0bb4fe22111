// Hyperliquid portfolio margin rulebook (hyperliquid-pm@2026-12). Published worked examples, read 2026-12-05 from
// the stored copies of the pages (the pages carry no date):
// - FAQ "Portfolio margin", https://hyperliquid.gitbook.io/hyperliquid-docs/support/faq/portfolio-margin: the
//   borrowable amount (10,000 x 0.5 x $40), the locked collateral (5 HYPE), the Health Factor table and the borrow
//   liquidation scenarios (HYPE at $33 and $30).
// - "Portfolio margin", https://hyperliquid.gitbook.io/hyperliquid-docs/trading/portfolio-margin: the carry trade
//   (1 BTC spot, 1 BTC perp short from 100k; 150k and 200k), liquidation_threshold = 0.5 + 0.5 x LTV and the PMR
//   formula. The alpha version of this page was read from a mirror of its markdown (see docs/venues/hyperliquid-pm.md).
// Numbers not printed on the pages are derived by hand from the published formulas in the comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InputError, loadBook, type AccountInput, type ResolvedBook } from '../../../src/core/index.js';
import { evaluateMargins } from '../../../src/aggregate/index.js';
import { checkRulebooks, rulebooks, type MarginComponent } from '../../../src/margin/index.js';
import {
  borrowable,
  borrowLiquidationState,
  borrowLiquidationThresholds,
  countCollateral,
  healthFactor,
  liquidationBalance,
  liquidationThreshold,
  lockedCollateral,
  portfolioMarginRatio,
} from '../../../src/margin/rulebooks/hyperliquidPortfolioRules.js';
import { buildReport } from '../../../src/report/index.js';
import { compareModes } from '../../../src/risk/compareModes.js';
import { createMarketView } from '../../../src/scenarios/index.js';
import { AS_OF, bookInput, firstNonFinite, resolve } from '../../support/books.js';
import { close, marginAccount, withExtra, type Extra } from './support.js';

const ID = 'hyperliquid-pm@2026-12';
const rulebook = rulebooks.get(ID)!;

const INSTRUMENTS = [
  { id: 'BTC-PERP', kind: 'perpetual' as const, underlying: 'BTC', quote: 'USDC' },
  { id: 'ETH-PERP', kind: 'perpetual' as const, underlying: 'ETH', quote: 'USDC' },
  { id: 'HYPE-PERP', kind: 'perpetual' as const, underlying: 'HYPE', quote: 'USDC' },
  { id: 'BTC-USDT-PERP', kind: 'perpetual' as const, underlying: 'BTC', quote: 'USDT' },
  {
    id: 'BTC-INV',
    kind: 'perpetual' as const,
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse' as const,
  },
  {
    id: 'BTC-FUT',
    kind: 'future' as const,
    underlying: 'BTC',
    quote: 'USDC',
    expiry: '2024-06-28T08:00:00Z',
  },
  { id: 'HYPE/USDC', kind: 'spot' as const, underlying: 'HYPE', quote: 'USDC' },
  { id: 'ETH/USDC', kind: 'spot' as const, underlying: 'ETH', quote: 'USDC' },
];

const PRICES = { BTC: 100_000, ETH: 2_000, HYPE: 40, USDC: 1, USDT: 1, USD: 1 };

function resolved(account: Omit<AccountInput, 'id'>, extra: Extra[] = [], prices = PRICES): ResolvedBook {
  return resolve(
    bookInput({
      instruments: INSTRUMENTS,
      accounts: [
        { id: 'a', venue: 'hyperliquid', rulebook: ID, ...account, positions: withExtra(account, extra) },
      ],
      market: { asOf: AS_OF, prices: { ...PRICES, ...prices } },
    }),
  );
}

/** Margins account 'a' under the rulebook; `pmr` is the PMR component's detail. */
function margin(account: Omit<AccountInput, 'id'>, extra: Extra[] = [], prices = PRICES) {
  const result = marginAccount(resolved(account, extra, prices), rulebook).margin();
  const pmr = result.components.find((c) => c.label.startsWith('portfolio margin ratio'))!.detail!;
  return { result, pmr };
}

/** Returns the account's figures through the one margin path (equity with the rulebook's haircuts). */
function node(b: ResolvedBook) {
  return evaluateMargins(b, createMarketView(b.market, b.reportingCurrency), { policy: 'account' }).get('a')!;
}

const num = (x: unknown): number => {
  assert.equal(typeof x, 'number', `expected a number, got ${String(x)}`);
  return x as number;
};

const sums = (components: readonly MarginComponent[]) => ({
  im: components.reduce((a, c) => a + c.im, 0),
  mm: components.reduce((a, c) => a + c.mm, 0),
});

/** The carry trade of the docs: 1 BTC held, 1 BTC-USDC perp short from 100k at 10x, no USDC. */
const carry = {
  balances: [{ asset: 'BTC', amount: 1 }],
  positions: [{ instrument: 'BTC-PERP', quantity: -1, entryPrice: 100_000 }],
};

describe('Hyperliquid portfolio margin: the FAQ worked examples', () => {
  it('borrowable USDC = 10,000 x 0.5 x $40 = 200,000 (FAQ, "Auto borrowing")', () => {
    close(borrowable(10_000, 40, 0.5), 200_000, 'borrowable');
  });

  it('100 USDC borrowed against HYPE at $40, LTV 50%, locks 100 / (0.5 x 40) = 5 HYPE (FAQ, "Available Balance")', () => {
    close(lockedCollateral(100, 40, 0.5), 5, 'locked HYPE');
  });

  it('Health Factor table: BTC 1 @ 80,000 weighs 40,000, HYPE 100 @ 50 weighs 2,500; 45,000 / 42,000 = 107.14% (FAQ)', () => {
    close(countCollateral('BTC', 1, 80_000, { ltv: 0.5, supplyCap: 20 }).borrowable, 40_000, 'BTC row');
    close(countCollateral('HYPE', 100, 50, { ltv: 0.5, supplyCap: 50_000 }).borrowable, 2_500, 'HYPE row');
    // The page's own division of its printed total (rounded to 107.14% on the page).
    close(healthFactor(45_000, 42_000), 1.0714, 'page ratio', 1e-4);
    // The rows add to 42,500, not the 45,000 the page prints: the model divides the rows' sum (docs say so).
    const { pmr } = margin(
      {
        balances: [
          { asset: 'BTC', amount: 1 },
          { asset: 'HYPE', amount: 100 },
          { asset: 'USDC', amount: -42_000 },
        ],
      },
      [],
      { ...PRICES, BTC: 80_000, HYPE: 50 },
    );
    close(num(pmr.healthFactor), 42_500 / 42_000, 'health factor of the rows');
    close(num(pmr.borrowed), 42_000, 'borrowed');
  });

  it('10 HYPE at $50 borrow 250; at $33 the partial threshold is 330 x 75% = 247.50 and is met (FAQ, scenario 1)', () => {
    const borrowed = borrowable(10, 50, 0.5);
    close(borrowed, 250, 'borrowed 10 x 50 x 0.5');
    const t = borrowLiquidationThresholds(10 * 33, 0.5);
    close(t.partial, 247.5, 'partial threshold');
    // Full: 330 x (0.5 + 0.5 x 2/3) = 275, not met.
    close(t.full, 275, 'full threshold');
    assert.equal(borrowLiquidationState(borrowed, t), 'partial');
  });

  it('at $30 the full threshold is 300 x 83.3% = 250 and is met (FAQ, scenario 2: the page rounds it to 249.90)', () => {
    const t = borrowLiquidationThresholds(10 * 30, 0.5);
    // 300 x (0.5 + 0.5 x 2/3) = 250 exactly; the page multiplies by 83.3% and prints 249.90.
    close(t.full, 250, 'full threshold');
    close(300 * 0.833, 249.9, 'the page rounding');
    assert.equal(borrowLiquidationState(250, t), 'full');
  });

  it('the same loan through the model: 10 HYPE, -250 USDC at $33 shows a partial borrow liquidation and PMR above 0.95', () => {
    const { pmr } = margin(
      {
        balances: [
          { asset: 'HYPE', amount: 10 },
          { asset: 'USDC', amount: -250 },
        ],
      },
      [],
      { ...PRICES, HYPE: 33 },
    );
    assert.equal(pmr.borrowLiquidation, 'partial');
    // PMR = (20 + 0 + 250) / (0 + 330 x 0.75) = 270 / 247.5 (docs formula; no perp, so MM = 0).
    close(num(pmr.portfolioMarginRatio), 270 / 247.5, 'PMR');
    assert.equal(pmr.state, 'liquidatable');
  });
});

describe('Hyperliquid portfolio margin: the docs page', () => {
  it('liquidation_threshold = 0.5 + 0.5 x LTV: 0.75 at the published LTV of 0.5', () => {
    close(liquidationThreshold(0.5), 0.75, 'LT');
    close(liquidationThreshold(1), 1, 'LT of a stable at LTV 1');
  });

  it('carry trade at 150k: PM borrows the 50,000 loss against BTC worth 150,000 (can borrow 75,000); not liquidatable', () => {
    const { result, pmr } = margin(carry, [{ leverage: 10 }], { ...PRICES, BTC: 150_000 });
    close(num(pmr.borrowed), 50_000, 'the loss borrowed');
    close(num(pmr.healthFactor), 75_000 / 50_000, 'health factor');
    // MM of the short: 150,000 x 1.25% (40x tier) = 1,875; borrowed for maintenance 1,875 + 50,000 = 51,875;
    // PMR = (20 + 1,875 + 51,875) / (1,875 + 150,000 x 0.75) = 53,770 / 114,375.
    close(num(pmr.crossMaintenanceMargin), 1_875, 'cross MM');
    close(num(pmr.borrowedForMaintenance), 51_875, 'borrowed for maintenance');
    close(num(pmr.portfolioMarginRatio), 53_770 / 114_375, 'PMR');
    assert.equal(pmr.state, 'not liquidatable');
    assert.ok(result.mm > 0 && result.im >= result.mm);
  });

  it('carry trade at 200k: the 100,000 loss uses the whole 100,000 BTC can borrow (health factor 100%): "must reduce"', () => {
    const { pmr } = margin(carry, [{ leverage: 10 }], { ...PRICES, BTC: 200_000 });
    close(num(pmr.borrowed), 100_000, 'the loss borrowed');
    close(num(pmr.healthFactor), 1, 'health factor');
    close(num(pmr.availableBalance), 200_000 * 0.5 - 100_000 - 200_000 / 10, 'available after the perp IM');
    // The borrow liquidation thresholds are further: partial at 200,000 x 0.75 = 150,000.
    close(num(pmr.partialBorrowLiquidationAt), 150_000, 'partial threshold');
    assert.equal(pmr.borrowLiquidation, 'none');
  });

  it('the hedged range is far wider than cross margin with the perp on USDC (docs): cross liquidates the 10x short near 108,642', () => {
    // Cross (hyperliquid-perp), 10,000 USDC at 10x: 10,000 - (P - 100,000) = 0.0125 P -> P = 110,000 / 1.0125.
    const cross = resolved({ balances: [{ asset: 'USDC', amount: 10_000 }], positions: carry.positions }, [
      { leverage: 10 },
    ]);
    const crossPrice = marginAccount(cross, rulebooks.get('hyperliquid-perp@2026-11')).liquidation()[0]
      ?.price;
    close(crossPrice, 110_000 / 1.0125, 'cross liquidation');
    // Portfolio margin, 1 BTC held: E = 100,000 - P, MM = 0.0125 P, collateral 0.75 P, below MM so the 0.95 level
    // is at E = 20 + 1.05 x 0.0125 P - 0.95 x 0.75 P: P = 99,980 / 0.300625 = 332,573.8.
    const report = buildReport(resolved(carry, [{ leverage: 10 }]));
    const up = report.nodes.find((n) => n.id === 'a')!.liquidation.find((l) => l.direction === 'up');
    close(up?.price, 99_980 / 0.300625, 'PM liquidation of the carry', 1e-6);
  });
});

describe('Hyperliquid portfolio margin: equity, MM and the PMR', () => {
  it('equity - MM is the USDC balance less the balance where PMR = 0.95, so equity = MM exactly at PMR 0.95', () => {
    const b = resolved(
      {
        balances: [
          { asset: 'USDC', amount: 2_000 },
          { asset: 'HYPE', amount: 100 },
        ],
        positions: [{ instrument: 'ETH-PERP', quantity: 10, entryPrice: 2_100 }],
      },
      [{ leverage: 5 }],
    );
    const n = node(b);
    const pmr = n.ownResult.components.find((c) => c.label.startsWith('portfolio margin ratio'))!.detail!;
    // Equity: USDC 2,000 - 1,000 loss on ETH + 100 HYPE x 40 x 0.75 = 1,000 + 3,000.
    close(n.equity, 4_000, 'equity');
    close(n.equity - n.mm, num(pmr.portfolioBalance) - num(pmr.liquidationBalance), 'cushion');
    // At the balance where the cushion is 0, the docs' ratio is 0.95.
    const at = portfolioMarginRatio({
      balance: num(pmr.liquidationBalance),
      crossMaintenance: num(pmr.crossMaintenanceMargin),
      collateralValue: 3_000,
      borrowCap: 1_000_000,
      offset: 20,
    });
    close(at.ratio, 0.95, 'PMR at the liquidation balance');
  });

  it('the PMR is 0.95 at liquidationBalance for any inputs, above it below, below it above', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 2e6, noNaN: true }),
        (mm, collateral, cap) => {
          const x = { crossMaintenance: mm, collateralValue: collateral, borrowCap: cap, offset: 20 };
          const b = liquidationBalance(x);
          close(portfolioMarginRatio({ ...x, balance: b }).ratio, 0.95, JSON.stringify(x), 1e-7);
          const above = portfolioMarginRatio({ ...x, balance: b + 1 + Math.abs(b) * 1e-6 }).ratio!;
          assert.ok(above < 0.95, `above: ${above}`);
        },
      ),
    );
  });

  it('properties: non-negative, components add up to IM and MM, IM >= MM, no NaN; refused never silently', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50_000, max: 200_000, noNaN: true }),
        fc.double({ min: 0, max: 60_000, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: -30, max: 30, noNaN: true }),
        fc.double({ min: 10, max: 400_000, noNaN: true }),
        (usdc, hype, btc, eth, btcPrice) => {
          const { result } = margin(
            {
              balances: [
                { asset: 'USDC', amount: usdc },
                { asset: 'HYPE', amount: hype },
                { asset: 'BTC', amount: btc },
              ],
              positions: [
                { instrument: 'ETH-PERP', quantity: eth, entryPrice: 2_000 },
                { instrument: 'BTC-PERP', quantity: -btc, entryPrice: 100_000 },
              ],
            },
            [],
            { ...PRICES, BTC: btcPrice },
          );
          assert.equal(firstNonFinite(result), undefined);
          const total = sums(result.components);
          close(total.im, result.im, 'IM sum', 1e-9);
          close(total.mm, result.mm, 'MM sum', 1e-9);
          for (const c of result.components) assert.ok(c.im >= 0 && c.mm >= 0, `${c.label}: ${c.im} ${c.mm}`);
          assert.ok(result.im >= result.mm - 1e-9 * Math.max(1, result.mm));
        },
      ),
    );
  });

  it('borrowing grows the requirement: each USDC borrowed raises the PMR requirement by 1 and takes 1 off the cushion', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10_000, noNaN: true }), (loan) => {
        const at = (usdc: number) =>
          node(
            resolved({
              balances: [
                { asset: 'USDC', amount: usdc },
                { asset: 'HYPE', amount: 500 },
              ],
              positions: [{ instrument: 'HYPE-PERP', quantity: -200, entryPrice: 40 }],
            }),
          );
        const base = at(1_000);
        const more = at(1_000 - loan);
        const detail = (n: typeof base) =>
          n.ownResult.components.find((c) => c.label.startsWith('portfolio margin ratio'))!.detail!;
        assert.ok(
          num(detail(more).portfolioMaintenanceRequirement) >=
            num(detail(base).portfolioMaintenanceRequirement) - 1e-9,
        );
        assert.ok(num(detail(more).portfolioMarginRatio) >= num(detail(base).portfolioMarginRatio) - 1e-12);
        close(base.equity - base.mm - (more.equity - more.mm), loan, 'cushion falls by the loan', 1e-9);
      }),
    );
  });

  it('buying collateral with borrowed USDC raises MM (collateral counted) and lowers the cushion', () => {
    const before = node(
      resolved({ balances: [{ asset: 'USDC', amount: 1_000 }], positions: carry.positions }),
    );
    const after = node(
      resolved({
        balances: [
          { asset: 'USDC', amount: 1_000 - 4_000 },
          { asset: 'HYPE', amount: 100 },
        ],
        positions: carry.positions,
      }),
    );
    assert.ok(after.mm > before.mm, `${after.mm} > ${before.mm}`);
    assert.ok(after.equity - after.mm < before.equity - before.mm);
  });

  it('an account with nothing to liquidate (no perp, no loan) has zero MM; HYPE alone is charged only its unusable part in IM', () => {
    const { result } = margin({
      balances: [
        { asset: 'HYPE', amount: 100 },
        { asset: 'USDC', amount: 50 },
      ],
    });
    assert.equal(result.mm, 0);
    // 100 HYPE x 40 x (0.75 - 0.5) = 1,000: counted in equity at 0.75, usable to trade at 0.5.
    close(result.im, 1_000, 'IM');
    assert.equal(marginAccount(resolved({ balances: [] }), rulebook).margin().im, 0);
  });

  it('HYPE past the 50,000 supply cap counts nothing; a tighter borrow cap caps the PMR collateral', () => {
    const capped = margin({
      balances: [
        { asset: 'HYPE', amount: 60_000 },
        { asset: 'USDC', amount: -1_000 },
      ],
    });
    // 50,000 x 40 x 0.75 = 1,500,000 counted; borrow cap 1,000,000 caps the PMR's part.
    close(num(capped.pmr.portfolioLiquidationValue), -1_000 + 1_000 + 1_000_000, 'liquidation value');
    const tight = margin({
      balances: [
        { asset: 'HYPE', amount: 100 },
        { asset: 'USDC', amount: -500 },
      ],
      parameters: { rulebook: { borrowCap: 1_000, collateral: { HYPE: { ltv: 0.5, supplyCap: 200 } } } },
    });
    // Mainnet pre-alpha caps: 1,000 USDC borrow cap; 100 HYPE x 40 x 0.75 = 3,000, PMR counts 1,000.
    // The balance after margin sharing is max(-500, MM 0) = 0, plus the capped 1,000.
    close(num(tight.pmr.portfolioLiquidationValue), 1_000, 'liquidation value under pre-alpha caps');
  });
});

describe('Hyperliquid portfolio margin: a loan past the user borrow cap', () => {
  // A stress's funding, a what-if or a cap lowered under an open loan reach it (the book fuzzer found a stress
  // refused with an input error): the venue cannot lend the excess, so equity must cover it, in IM and MM alike.
  const account = {
    balances: [
      { asset: 'USDC', amount: -2_000_000 },
      { asset: 'BTC', amount: 20 },
    ],
  };
  it('is margined, not refused: the 1,000,000 USDC beyond the published 1,000,000 cap is charged in full', () => {
    assert.doesNotThrow(() => checkRulebooks(resolved(account)));
    const { result } = margin(account);
    const beyond = result.components.find((c) => c.label.includes('beyond the user borrow cap'))!;
    assert.ok(beyond !== undefined, 'a component names the excess');
    assert.equal(beyond.mm, 1_000_000);
    assert.equal(beyond.im, 1_000_000);
    for (const c of result.components) assert.ok(Number.isFinite(c.im) && Number.isFinite(c.mm), c.label);
  });
  it('the account is in liquidation: equity below MM', () => {
    // 20 BTC at 100,000 = 2,000,000 at most against a 2,000,000 loan: equity <= 0 < MM.
    const n = node(resolved(account));
    assert.ok(n.equity < n.mm, `equity ${n.equity} vs MM ${n.mm}`);
    assert.equal(n.accountStatus, 'liquidation');
  });
  it('within the cap nothing is charged for it', () => {
    const { result } = margin({
      balances: [
        { asset: 'USDC', amount: -500_000 },
        { asset: 'BTC', amount: 20 },
      ],
    });
    assert.equal(
      result.components.some((c) => c.label.includes('beyond the user borrow cap')),
      false,
    );
  });
});

describe('Hyperliquid portfolio margin: refusals name the position and the mode', () => {
  const cases: [string, Omit<AccountInput, 'id'>, Extra[], string, RegExp][] = [
    [
      'a dated future',
      { positions: [{ instrument: 'BTC-FUT', quantity: 1, entryPrice: 100_000 }] },
      [],
      'accounts.a.positions.BTC-FUT',
      /is a future/,
    ],
    [
      'an inverse perpetual',
      { positions: [{ instrument: 'BTC-INV', quantity: 1000, entryPrice: 100_000 }] },
      [],
      'accounts.a.positions.BTC-INV',
      /settles in BTC/,
    ],
    [
      'a USDT perpetual',
      { positions: [{ instrument: 'BTC-USDT-PERP', quantity: 1, entryPrice: 100_000 }] },
      [],
      'accounts.a.positions.BTC-USDT-PERP',
      /settles in USDT/,
    ],
    [
      'an isolated perpetual',
      {
        balances: [{ asset: 'USDC', amount: 5_000 }],
        positions: [{ instrument: 'BTC-PERP', quantity: 1, entryPrice: 100_000 }],
      },
      [{ isolatedMargin: 5_000 }],
      'accounts.a.positions.BTC-PERP',
      /isolated position/,
    ],
    [
      'ineligible spot',
      { positions: [{ instrument: 'ETH/USDC', quantity: 1 }] },
      [],
      'accounts.a.positions.ETH/USDC',
      /not eligible collateral/,
    ],
    [
      'an ineligible balance',
      { balances: [{ asset: 'ETH', amount: 1 }] },
      [],
      'accounts.a.balances.ETH',
      /not eligible collateral/,
    ],
    [
      'borrowed HYPE',
      {
        balances: [
          { asset: 'HYPE', amount: -5 },
          { asset: 'USDC', amount: 1_000 },
        ],
      },
      [],
      'accounts.a.balances.HYPE',
      /lends USDC only/,
    ],
  ];
  for (const [what, account, extra, path, message] of cases) {
    it(`refuses ${what} at ${path}, naming the mode; the margin model refuses it too`, () => {
      const b = resolved(account, extra);
      assert.throws(
        () => checkRulebooks(b),
        (e: unknown) =>
          e instanceof InputError &&
          e.issues.some((i) => i.path === path && message.test(i.message) && i.message.includes(ID)),
      );
      const unprefixed = path.replace('accounts.a.', '').replace('positions.ETH/USDC', 'balances.ETH');
      assert.throws(
        () => marginAccount(b, rulebook).margin(),
        (e: unknown) => e instanceof InputError && e.issues.some((i) => i.path === unprefixed),
      );
    });
  }

  it('refuses bad parameters at their path: an LTV above 1, an unknown field', () => {
    const bad = resolved({ parameters: { rulebook: { collateral: { HYPE: { ltv: 2, supplyCap: 1 } } } } });
    assert.throws(
      () => checkRulebooks(bad),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues.some((i) => i.path === 'accounts.a.parameters.rulebook.collateral.HYPE.ltv'),
    );
    const unknown = resolved({ parameters: { rulebook: { ltvs: {} } } });
    assert.throws(
      () => checkRulebooks(unknown),
      (e: unknown) =>
        e instanceof InputError && e.issues.some((i) => i.path.startsWith('accounts.a.parameters.rulebook')),
    );
  });
});

describe('the example book examples/venues/hyperliquid-pm.book.yaml', () => {
  const path = 'examples/venues/hyperliquid-pm.book.yaml';
  const text = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  const book = loadBook(text, path);

  it('margins every account with the rulebook; the report has no NaN or Infinity', () => {
    const report = buildReport(book);
    assert.equal(firstNonFinite(report), undefined);
    for (const n of report.nodes) assert.equal(n.model, ID, `${n.id}`);
  });

  it('compare-modes shows the carry account in cross and portfolio margin, PM equity counting BTC at 0.75', () => {
    const c = compareModes(book, 'hl-carry');
    const [booked, cross, pm] = c.modes;
    assert.equal(booked?.status, 'margined');
    assert.equal(cross?.model, 'hyperliquid-perp@2026-11');
    assert.equal(cross?.status, 'margined');
    assert.equal(pm?.model, ID);
    assert.equal(pm?.status, 'margined');
    // 1 BTC at 100,000 x 0.75 + 2,000 USDC (the perp is at its entry).
    close(pm.figures!.equity, 77_000, 'PM equity');
    assert.ok(pm?.components.some((x) => x.label.startsWith('portfolio margin ratio')));
    assert.equal(firstNonFinite(c), undefined);
  });
});
