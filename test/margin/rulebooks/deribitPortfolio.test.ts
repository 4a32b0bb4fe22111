// Deribit segregated portfolio margin (deribit-pm@2024-06). The published worked example is the response
// example of private/pme/simulate in Deribit's API reference
// (https://docs.deribit.com/api-reference/account-management/private-simulate; model_params timestamp
// 1718619740501 = 2024-06-17): a BTC account long BTC-PERPETUAL 0.314538364 BTC and short BTC-28JUN24
// 0.001187534 BTC, index 65,666.19, marks 65,910.57 and 67,371.75. Deribit reports the risk vector of each
// instrument, a worst case of 0.05968587238095239 BTC in standard bucket 1 (left, index 1), a roll shock of
// 0.00315725898 BTC, a risk-matrix margin of 0.06284313098 BTC and an MM of 0.050274504784 BTC (= 0.8 x IM).
// Deribit adds the roll shock to the worst case rounded to 9 decimals (0.059685872), hence a 1e-9 BTC tolerance
// on the totals. Other expected figures are derived by hand in their comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InputError, loadBook, type AccountInput, type InstrumentInput } from '../../../src/core/index.js';
import { accountExposure, rulebooks, type MarginResult } from '../../../src/margin/index.js';
import { DERIBIT_PM_ID } from '../../../src/margin/rulebooks/deribitPortfolio.js';
import {
  DEFAULT_DERIBIT_PM,
  parseDeribitPortfolioParameters,
} from '../../../src/margin/rulebooks/deribitPortfolioParameters.js';
import { positionVectors, shockedVol } from '../../../src/margin/rulebooks/deribitPortfolioVectors.js';
import { buildReport } from '../../../src/report/index.js';
import { createMarketView, createRiskContext, type MarketView } from '../../../src/scenarios/index.js';
import { firstNonFinite, resolve } from '../../support/books.js';

const rulebook = rulebooks.get(DERIBIT_PM_ID)!;
const AS_OF = 1718619740501;
const INDEX = 65_666.19;
const PERP_MARK = 65_910.57;
const FUT_MARK = 67_371.75;
const BTC_PAIR = DEFAULT_DERIBIT_PM.pairs.BTC!;

function near(actual: number | undefined, expected: number, context: string, abs = 1e-12, rel = 1e-12): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected)),
    `${context}: expected ${expected}, got ${actual}`,
  );
}

const INSTRUMENTS: InstrumentInput[] = [
  {
    id: 'BTC-PERPETUAL',
    kind: 'perpetual',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 1,
  },
  {
    id: 'BTC-28JUN24',
    kind: 'future',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 1,
    expiry: '2024-06-28T08:00:00Z',
  },
  {
    id: 'BTC-27DEC24',
    kind: 'future',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 1,
    expiry: AS_OF + 182.5 * 86_400_000,
  },
  {
    id: 'BTC-C',
    kind: 'option',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    expiry: '2024-06-28T08:00:00Z',
    strike: 75_000,
    optionType: 'call',
  },
  {
    id: 'BTC-P',
    kind: 'option',
    underlying: 'BTC',
    quote: 'USD',
    settlement: 'inverse',
    expiry: '2024-06-28T08:00:00Z',
    strike: 75_000,
    optionType: 'put',
  },
  { id: 'BTC_USDC-PERPETUAL', kind: 'perpetual', underlying: 'BTC', quote: 'USDC', contractSize: 1 },
  {
    id: 'ETH-PERPETUAL',
    kind: 'perpetual',
    underlying: 'ETH',
    quote: 'USD',
    settlement: 'inverse',
    contractSize: 1,
  },
];

// Sizes in BTC become quantities of 1-USD contracts at the mark.
const perp = (btc: number) => ({
  instrument: 'BTC-PERPETUAL',
  quantity: btc * PERP_MARK,
  entryPrice: PERP_MARK,
});
const future = (btc: number) => ({
  instrument: 'BTC-28JUN24',
  quantity: btc * FUT_MARK,
  entryPrice: FUT_MARK,
});
const PUBLISHED = [perp(0.314538364), future(-0.001187534)];

interface Run {
  result: MarginResult;
  view: MarketView;
  inputs: string;
  positions: ReturnType<typeof accountExposure>['positions'];
}

function run(account: Omit<AccountInput, 'id'>): Run {
  const book = resolve({
    reportingCurrency: 'USD',
    instruments: INSTRUMENTS,
    accounts: [{ id: 'a', venue: 'deribit', rulebook: DERIBIT_PM_ID, ...account }],
    market: {
      asOf: AS_OF,
      prices: { BTC: INDEX, ETH: 3_500, USDC: 1 },
      forwards: { BTC: [{ expiry: Date.parse('2024-06-28T08:00:00Z'), price: FUT_MARK }] },
      instruments: {
        'BTC-PERPETUAL': { mark: PERP_MARK },
        'BTC-28JUN24': { mark: FUT_MARK },
        'BTC-27DEC24': { mark: 70_000 },
        'BTC-C': { iv: 0.55 },
        'BTC-P': { iv: 0.55 },
        'BTC_USDC-PERPETUAL': { mark: 65_700 },
      },
    },
  });
  const a = book.accounts.get('a')!;
  const view = createMarketView(book.market, 'USD');
  const exposure = accountExposure(a, view);
  const result = rulebook.margin(exposure, createRiskContext(view), a.parameters);
  return { result, view, inputs: JSON.stringify(account), positions: exposure.positions };
}

const inCurrency = (r: MarginResult, key: string): number =>
  r.components.reduce((a, c) => a + (typeof c.detail?.[key] === 'number' ? c.detail[key] : 0), 0);

// Deribit's published BTC-PERPETUAL vector: one value per bucket (-16% .. +16%), repeated for the 3 vol states.
const PERP_BUCKETS = [
  -0.05991206933333334, -0.04289159509090909, -0.027351162086956524, -0.013105765166666668, 0,
  0.012097629384615385, 0.023299138074074074, 0.033700538999999995, 0.043384601931034494,
];
const FUT_BUCKETS = [
  0.0002261969523809524, 0.00016193645454545456, 0.00010326382608695652, 0.00004948058333333334, 0,
  -0.00004567438461538462, -0.00008796548148148148, -0.0001272357857142857, -0.00016379779310344832,
];

describe('Deribit PM: the published private/pme/simulate example (2024-06-17)', () => {
  it('reproduces each instrument risk vector, standard and extended', () => {
    const { view, positions } = run({ positions: PUBLISHED });
    const params = parseDeribitPortfolioParameters({}, []);
    const published = [PERP_BUCKETS, FUT_BUCKETS];
    positions.forEach((p, k) => {
      const v = positionVectors(p, view, BTC_PAIR, params);
      const buckets = published[k]!;
      buckets.forEach((x, b) => {
        for (let s = 0; s < 3; s++)
          near(v.standard[3 * b + s], x, `${p.instrument.id} standard[${3 * b + s}]`);
      });
      // Extended: the two down moves take the -16% value, the six up moves the +16% value.
      v.extended.forEach((x, e) =>
        near(x, e < 2 ? buckets[0]! : buckets[8]!, `${p.instrument.id} extended[${e}]`),
      );
    });
  });

  it('worst case 0.05968587238095239 BTC in standard bucket 1 (left, index 1), roll shock 0.00315725898 BTC', () => {
    const { result, inputs } = run({ positions: PUBLISHED });
    const scan = result.components.find((c) => c.kind === 'scan')!;
    near(Number(scan.detail?.worstCaseInCurrency), 0.05968587238095239, `worst case ${inputs}`);
    assert.deepEqual(
      [scan.detail?.source, scan.detail?.index, scan.detail?.bucket, scan.detail?.side],
      ['standard', 1, 1, 'left'],
    );
    // Perp: 0.01 x 0.314538364; future: max(0.01, 0.075 x 0.0299 years) = 0.01 x 0.001187534.
    near(inCurrency(result, 'rollShockInCurrency'), 0.00315725898, `roll shock ${inputs}`);
  });

  it('IM (risk-matrix margin) 0.06284313098 BTC and MM 0.050274504784 BTC, in USD at the index', () => {
    const { result, inputs } = run({ positions: PUBLISHED });
    near(result.im / INDEX, 0.06284313098, `IM in BTC ${inputs}`, 1e-9);
    near(result.mm / INDEX, 0.050274504784, `MM in BTC ${inputs}`, 1e-9);
    near(result.mm, 0.8 * result.im, 'MM = 0.8 x IM');
  });

  it('the example book reproduces it too', () => {
    const book = loadBook(readFileSync('examples/venues/deribit-options-pm.book.yaml', 'utf8'));
    const report = buildReport(book, { liquidation: false });
    const node = report.nodes.find((n) => n.id === 'deribit-pm-published')!;
    near(node.im / INDEX, 0.06284313098, 'IM in BTC', 1e-9);
    assert.equal(firstNonFinite(report), undefined);
  });
});

describe('Deribit PM: each part derived by hand', () => {
  it('vol shocks: (30/days)^0.3 within 30 days, ^0.13 beyond; the up shock at least 50% vol', () => {
    const min = BTC_PAIR.minVolatilityForShockUp;
    near(shockedVol(0.6, 30, 'up', BTC_PAIR, 1 / 24), 0.9, '30 days up: 0.6 x 1.5');
    near(shockedVol(0.6, 30, 'down', BTC_PAIR, 1 / 24), 0.45, '30 days down: 0.6 x 0.75');
    near(shockedVol(0.6, 15, 'up', BTC_PAIR, 1 / 24), 0.6 * (1 + 0.5 * 2 ** 0.3), '15 days up');
    near(shockedVol(0.6, 60, 'down', BTC_PAIR, 1 / 24), 0.6 * (1 - 0.25 * 0.5 ** 0.13), '60 days down');
    near(shockedVol(0.2, 30, 'up', BTC_PAIR, 1 / 24), min, '0.2 x 1.5 = 0.3 is floored at 0.5');
    assert.equal(
      shockedVol(0.6, 0, 'down', BTC_PAIR, 1 / 24),
      0,
      'down never below 0 (1 - 0.25 x 720^0.3 < 0)',
    );
  });

  it('roll shock of a future half a year out: 0.075 x 0.5 years = 3.75% of its size', () => {
    const { result } = run({
      positions: [{ instrument: 'BTC-27DEC24', quantity: 2 * 70_000, entryPrice: 70_000 }],
    });
    near(inCurrency(result, 'rollShockInCurrency'), 2 * 0.075 * 0.5, 'roll shock in BTC');
  });

  it('delta shock above the 20M USD threshold: 400 BTC x min(10%, 0.005% x 400) = 8 BTC', () => {
    const big = run({ positions: [perp(400)] });
    near(inCurrency(big.result, 'deltaShockInCurrency'), 8, 'delta shock in BTC', 1e-9);
    // 300 BTC x 65,666 = 19.7M USD, below the threshold: no delta shock.
    assert.equal(inCurrency(run({ positions: [perp(300)] }).result, 'deltaShockInCurrency'), 0);
  });

  it('extended table: losses beyond the 100,000 USD dampener count in full at the margin', () => {
    // Short 75,000 calls: at +500% (vol up) each loses L BTC; n calls lose nL, of which nL - D counts once past
    // the dampener D = 100,000 / 65,666.19 BTC. Between two sizes both past it, the worst case grows by L per call.
    const worst = (n: number): number =>
      inCurrency(run({ positions: [{ instrument: 'BTC-C', quantity: -n }] }).result, 'worstCaseInCurrency');
    const source = (n: number) =>
      run({ positions: [{ instrument: 'BTC-C', quantity: -n }] }).result.components[0]?.detail?.source;
    assert.equal(source(1), 'standard', 'one call: the extended loss is below the dampener');
    assert.equal(source(200), 'extended');
    const perCall = (worst(300) - worst(200)) / 100;
    near(worst(200), 200 * perCall - 100_000 / INDEX, 'worst = nL - D', 1e-9, 1e-9);
  });

  it('put-call parity: a long call and a short put of one strike have the vectors of a forward, at any vol', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 2, noNaN: true }), (iv) => {
        const book = resolve({
          reportingCurrency: 'USD',
          instruments: INSTRUMENTS,
          accounts: [{ id: 'a', positions: [] }],
          market: {
            asOf: AS_OF,
            prices: { BTC: INDEX, ETH: 3_500, USDC: 1 },
            forwards: { BTC: [{ expiry: Date.parse('2024-06-28T08:00:00Z'), price: FUT_MARK }] },
            instruments: { 'BTC-C': { iv }, 'BTC-P': { iv } },
          },
        });
        const view = createMarketView(book.market, 'USD');
        const params = parseDeribitPortfolioParameters({}, []);
        const leg = (id: string, quantity: number) =>
          positionVectors(
            { instrument: book.instruments.get(id)!, quantity, entryPrice: undefined },
            view,
            BTC_PAIR,
            params,
          );
        const c = leg('BTC-C', 1);
        const p = leg('BTC-P', -1);
        // In coin, (C - P)/F = 1 - K/F at rate 0: after a move m it has gained K/F - K/(F(1 + m)).
        const moves = [-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16];
        moves.forEach((m, b) => {
          const expected = 75_000 / FUT_MARK - 75_000 / (FUT_MARK * (1 + m));
          for (let s = 0; s < 3; s++)
            near(
              c.standard[3 * b + s]! + p.standard[3 * b + s]!,
              expected,
              `iv ${iv} bucket ${b}`,
              1e-12,
              1e-9,
            );
        });
      }),
      { numRuns: 30 },
    );
  });
});

describe('Deribit PM: currencies and input errors', () => {
  it('linear USDC positions are a group of their own, margined in USDC with the usd currency figures', () => {
    // 1 BTC long at 65,700 USDC: worst at -16% = 0.16 x 65,700 = 10,512 USDC; roll 0.01 x 65,700 = 657 USDC.
    const { result, inputs } = run({
      positions: [{ instrument: 'BTC_USDC-PERPETUAL', quantity: 1, entryPrice: 65_700 }],
    });
    near(result.im, 10_512 + 657, `IM ${inputs}`, 1e-9, 1e-12);
    assert.ok(result.components.every((c) => c.asset === 'USDC'));
  });

  it('an underlying without published parameters is an input error naming the field', () => {
    assert.throws(
      () => run({ positions: [{ instrument: 'ETH-PERPETUAL', quantity: 3_500, entryPrice: 3_500 }] }),
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'parameters.rulebook.pairs.ETH',
    );
    assert.throws(
      () => run({ positions: PUBLISHED, parameters: { rulebook: { mmFactor: 2 } } }),
      (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'parameters.rulebook.mmFactor',
    );
  });

  it('zero positions need nothing; results do not depend on order and hold no NaN', () => {
    assert.equal(run({ positions: [] }).result.im, 0);
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.integer({ min: -20, max: 20 }),
        (a, b, c) => {
          const positions = [perp(a), future(b), { instrument: 'BTC-C', quantity: c }];
          const one = run({ positions }).result;
          const other = run({ positions: [...positions].reverse() }).result;
          const inputs = JSON.stringify({ a, b, c });
          near(one.im, other.im, `order: ${inputs}`, 1e-9, 1e-12);
          assert.ok(one.im >= one.mm && one.mm >= 0, inputs);
          assert.equal(firstNonFinite(one), undefined, inputs);
        },
      ),
      { numRuns: 30 },
    );
  });
});
