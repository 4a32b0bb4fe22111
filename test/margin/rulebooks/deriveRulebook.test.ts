// The derive-pmrm2 rulebook on unimargin books: how an account's exposure becomes Derive portfolios (one per
// underlying), what is refused, and that the result is the requirement of Derive's margin (value − requirement).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, type AccountInput, type InstrumentInput } from '../../../src/core/index.js';
import { accountExposure, modelFor, rulebooks } from '../../../src/margin/index.js';
import {
  DERIVE_PMRM2_ID,
  derivePmrm2Margin,
  derivePmrm2Rulebook,
  derivePmrmMargin,
  derivePortfolios,
  deriveRulebookParameters,
  type DerivePortfolio,
} from '../../../src/margin/rulebooks/derive/index.js';
import { createMarketView, createRiskContext } from '../../../src/scenarios/index.js';
import { AS_OF, bookInput, DAY, resolve } from '../../support/books.js';

const TOL = 1e-9;
// Derive counts whole seconds to expiry; the book's DAY is in milliseconds.
const SECONDS_PER_DAY = 86_400;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(
    Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected)),
    `${what}: expected ${expected}, got ${actual}`,
  );

const option = (id: string, strike: number, optionType: 'call' | 'put', days: number): InstrumentInput => ({
  id,
  kind: 'option',
  underlying: 'ETH',
  quote: 'USDC',
  expiry: AS_OF + days * DAY,
  strike,
  optionType,
});

const INSTRUMENTS: InstrumentInput[] = [
  option('ETH-30-2200-C', 2200, 'call', 30),
  option('ETH-30-1800-P', 1800, 'put', 30),
  option('ETH-90-2000-C', 2000, 'call', 90),
  { id: 'ETH-PERP', kind: 'perpetual', underlying: 'ETH', quote: 'USDC' },
  { id: 'BTC-PERP', kind: 'perpetual', underlying: 'BTC', quote: 'USDC' },
  {
    id: 'BTC-INV-C',
    kind: 'option',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    expiry: AS_OF + 30 * DAY,
    strike: 40_000,
    optionType: 'call',
  },
];

const MARKET = {
  asOf: AS_OF,
  prices: { ETH: 2000, BTC: 40_000, USDC: 1, USDT: 1 },
  instruments: {
    'ETH-30-2200-C': { iv: 0.7 },
    'ETH-30-1800-P': { iv: 0.8 },
    'ETH-90-2000-C': { iv: 0.65 },
    'ETH-PERP': { mark: 2001 },
    'BTC-PERP': { mark: 40_010 },
    'BTC-INV-C': { iv: 0.6 },
  },
  forwards: {
    ETH: [
      { expiry: AS_OF + 30 * DAY, price: 2010 },
      { expiry: AS_OF + 90 * DAY, price: 2030 },
    ],
  },
  rates: { USDC: 0.05 },
};

function setup(account: Omit<AccountInput, 'id' | 'rulebook'>) {
  const book = resolve(
    bookInput({
      instruments: INSTRUMENTS,
      accounts: [{ id: 'a', rulebook: DERIVE_PMRM2_ID, ...account }],
      market: MARKET,
    }),
  );
  const view = createMarketView(book.market, book.reportingCurrency);
  const acc = book.accounts.get('a')!;
  return { exposure: accountExposure(acc, view), view, context: createRiskContext(view), acc };
}

const ETH_BOOK: Omit<AccountInput, 'id' | 'rulebook'> = {
  balances: [
    { asset: 'USDC', amount: 10_000 },
    { asset: 'ETH', amount: 2 },
  ],
  positions: [
    { instrument: 'ETH-30-2200-C', quantity: -3 },
    { instrument: 'ETH-30-1800-P', quantity: 2 },
    { instrument: 'ETH-90-2000-C', quantity: 1 },
    { instrument: 'ETH-PERP', quantity: -1.5, entryPrice: 2001 },
  ],
  parameters: { rulebook: { collateral: { ETH: { imHaircut: 0.01, mmHaircut: 0.02 } } } },
};

describe('derive-pmrm2 rulebook', () => {
  it('is registered under its versioned id and cites Derive', () => {
    assert.equal(rulebooks.get(DERIVE_PMRM2_ID), derivePmrm2Rulebook);
    assert.equal(modelFor({ model: 'grid', rulebook: DERIVE_PMRM2_ID }), derivePmrm2Margin);
    assert.ok(derivePmrm2Rulebook.sources.some((s) => s.includes('derivexyz/v2-core')));
  });

  it('maps options, perp, cash and the underlying as risk-cancelling collateral into one portfolio', () => {
    const { exposure, view, acc } = setup(ETH_BOOK);
    const books = derivePortfolios(exposure, view, deriveRulebookParameters(acc.parameters.rulebook));
    assert.equal(books.length, 1);
    const { underlying, portfolio } = books[0]!;
    assert.equal(underlying, 'ETH');
    const expected: DerivePortfolio = {
      cash: 10_000,
      spotPrice: 2000,
      spotConfidence: 1,
      stablePrice: 1,
      perp: { position: -1.5, price: 2001, confidence: 1, value: 0 },
      options: [
        { secToExpiry: 30 * SECONDS_PER_DAY, strike: 2200, isCall: true, amount: -3, vol: 0.7 },
        { secToExpiry: 30 * SECONDS_PER_DAY, strike: 1800, isCall: false, amount: 2, vol: 0.8 },
        { secToExpiry: 90 * SECONDS_PER_DAY, strike: 2000, isCall: true, amount: 1, vol: 0.65 },
      ],
      feeds: [
        [30, 2010],
        [90, 2030],
      ].map(([days, forward]) => ({
        secToExpiry: days! * SECONDS_PER_DAY,
        forwardFixed: 0,
        forwardVariable: forward!,
        forwardConfidence: 1,
        rate: 0.05,
        rateConfidence: 1,
        volConfidence: 1,
      })),
      collaterals: [
        {
          asset: 'ETH',
          amount: 2,
          price: 2000,
          confidence: 1,
          riskCancelling: true,
          imHaircut: 0.01,
          mmHaircut: 0.02,
        },
      ],
    };
    assert.deepEqual(portfolio, expected);
  });

  it("returns Derive's requirement, split into components that add up to IM and MM", () => {
    const { exposure, context, acc, view } = setup(ETH_BOOK);
    const result = derivePmrm2Margin(exposure, context, acc.parameters);
    const settings = deriveRulebookParameters(acc.parameters.rulebook);
    const [book] = derivePortfolios(exposure, view, settings);
    const derive = derivePmrmMargin(book!.portfolio, settings.pmrm);
    assert.equal(result.model, DERIVE_PMRM2_ID);
    close(result.im, derive.imRequirement, 'IM = value − Derive IM');
    close(result.mm, derive.mmRequirement, 'MM = value − Derive MM');
    close(derive.markToMarket - derive.im, result.im, 'sign convention');
    const sum = (k: 'im' | 'mm'): number => result.components.reduce((a, c) => a + c[k], 0);
    close(sum('im'), result.im, 'IM components');
    close(sum('mm'), result.mm, 'MM components');
    assert.ok(result.im > result.mm && result.mm > 0);
    assert.deepEqual(
      result.components.map((c) => c.label),
      [
        'worst scenario (ETH)',
        'perp contingency',
        'naked short option contingency',
        'collateral haircuts (base contingency)',
      ],
    );
  });

  it('margins each underlying as its own portfolio and adds the requirements', () => {
    const both = setup({
      positions: [
        { instrument: 'ETH-PERP', quantity: 2, entryPrice: 2001 },
        { instrument: 'BTC-PERP', quantity: -0.1, entryPrice: 40_010 },
      ],
    });
    const eth = setup({ positions: [{ instrument: 'ETH-PERP', quantity: 2, entryPrice: 2001 }] });
    const btc = setup({ positions: [{ instrument: 'BTC-PERP', quantity: -0.1, entryPrice: 40_010 }] });
    const m = (s: ReturnType<typeof setup>) => derivePmrm2Margin(s.exposure, s.context, s.acc.parameters);
    close(m(both).im, m(eth).im + m(btc).im, 'IM adds');
    close(m(both).mm, m(eth).mm + m(btc).mm, 'MM adds');
    // −18% on 2 ETH perps at 2001: 720.36 × 0.8 + 1.5% of 4000 notional
    close(m(eth).mm, 0.18 * 2 * 2001 * 0.8 + 0.015 * 2 * 2000, 'ETH perp MM by hand');
  });

  it('carries a debt in another asset as a cash debt, and an empty account needs nothing', () => {
    const { exposure, view, acc } = setup({ balances: [{ asset: 'USDT', amount: -500 }] });
    const [book] = derivePortfolios(exposure, view, deriveRulebookParameters(acc.parameters.rulebook));
    assert.equal(book?.portfolio.cash, -500);
    const empty = setup({});
    const r = derivePmrm2Margin(empty.exposure, empty.context, empty.acc.parameters);
    assert.deepEqual([r.im, r.mm, r.components.length], [0, 0, 0]);
  });

  it('refuses what Derive does not list: inverse options', () => {
    const { exposure, context, acc } = setup({ positions: [{ instrument: 'BTC-INV-C', quantity: 1 }] });
    assert.throws(
      () => derivePmrm2Margin(exposure, context, acc.parameters),
      /BTC-INV-C is a inverse option/,
    );
  });

  it('reports bad rulebook parameters at their path', () => {
    const { exposure, context, acc } = setup({
      positions: [{ instrument: 'ETH-PERP', quantity: 1, entryPrice: 2001 }],
      parameters: { rulebook: { margin: { imFactor: -1 } } },
    });
    assert.throws(
      () => derivePmrm2Margin(exposure, context, acc.parameters),
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'parameters.rulebook.margin.imFactor',
    );
  });
});
