// Scenario sets and volatility estimators, against hand-computed values.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCENARIOS } from '../../src/core/index.js';
import {
  buildScenarioSet,
  createMarketView,
  ewmaVolatility,
  logReturns,
  periodsPerYear,
  realisedVolatility,
  scenarioLabel,
  scanRange,
} from '../../src/scenarios/index.js';
import { AS_OF } from '../support/books.js';

const view = createMarketView(
  {
    asOf: AS_OF,
    prices: { BTC: 40000 },
    instruments: {},
    forwards: {},
    smiles: {
      BTC: [
        {
          expiry: AS_OF + 30 * 86_400_000,
          points: [
            { strike: 30000, vol: 0.9 },
            { strike: 40000, vol: 0.6 },
            { strike: 50000, vol: 0.7 },
          ],
        },
      ],
    },
    rates: {},
    funding: {},
    history: { BTC: { intervalHours: 24, closes: [100, 110, 99, 108.9] } },
  },
  'USD',
);

describe('scenario sets', () => {
  it('the default set has 147 scenarios: 49 moves at three vol states, extremes weighted 35%', () => {
    const set = buildScenarioSet('BTC', DEFAULT_SCENARIOS, view);
    assert.equal(set.priceMoves.length, 147);
    assert.equal(set.priceMoves[0], -0.15);
    assert.equal(set.priceMoves[46], 0.15);
    assert.ok(Math.abs(set.priceMoves[1]! - (-0.15 + 0.15 / 23)) < 1e-15);
    assert.equal(set.priceMoves[47], -0.3);
    assert.equal(set.weights[47], 0.35);
    assert.equal(set.volShocks[49], 0.25);
    assert.equal(set.volShocks[146], -0.25);
    assert.equal(scenarioLabel(set, 48), 'BTC +30.0% vol 0 (extreme, 35%)');
    assert.equal(scenarioLabel(set, 49 + 23), 'BTC +0.0% vol +25%');
  });

  it('an implied range takes the ATM vol of the smile nearest 30 days', () => {
    // ATM (no forwards given: the forward is the index, 40,000) is the 0.6 point: R = 2 x 0.6 x sqrt(7/365).
    const { range, sigma } = scanRange(
      {
        ...DEFAULT_SCENARIOS,
        range: { mode: 'volatility', z: 2, horizonDays: 7, source: 'implied', min: 0.01, max: 0.5 },
      },
      view,
      'BTC',
    );
    assert.equal(sigma, 0.6);
    assert.ok(Math.abs(range - 2 * 0.6 * Math.sqrt(7 / 365)) < 1e-15);
  });

  it('a range is clamped to [min, max]', () => {
    const p = {
      ...DEFAULT_SCENARIOS,
      range: {
        mode: 'volatility' as const,
        z: 10,
        horizonDays: 30,
        source: 'given' as const,
        sigma: 2,
        min: 0.05,
        max: 0.4,
      },
    };
    assert.equal(scanRange(p, view, 'BTC').range, 0.4);
  });
});

describe('volatility estimators', () => {
  const returns = logReturns([100, 110, 99, 108.9]);

  it('log returns', () => {
    assert.deepEqual(
      returns.map((r) => Number(r.toFixed(12))),
      [Math.log(1.1), Math.log(0.9), Math.log(1.1)].map((r) => Number(r.toFixed(12))),
    );
  });

  it('EWMA: seeded with the mean square of the first returns, then s2 = l s2 + (1 - l) r2', () => {
    // Fewer than 20 returns: all three seed the variance, nothing is left to update.
    const seeded = (Math.log(1.1) ** 2 * 2 + Math.log(0.9) ** 2) / 3;
    assert.ok(Math.abs(ewmaVolatility(returns, 0.94, 365) - Math.sqrt(seeded * 365)) < 1e-15);
    // With 21 returns: 20 seed, the 21st updates once.
    const long = [...Array<number>(20).fill(0.01), 0.05];
    const expected = Math.sqrt((0.94 * 0.0001 + 0.06 * 0.0025) * 365);
    assert.ok(Math.abs(ewmaVolatility(long, 0.94, 365) - expected) < 1e-15);
  });

  it('realised vol is the annualised sample standard deviation', () => {
    const r = [0.01, -0.01, 0.02, -0.02];
    const mean = 0;
    const variance = r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3;
    assert.ok(Math.abs(realisedVolatility(r, 10, 365) - Math.sqrt(variance * 365)) < 1e-15);
  });

  it('annualises by bar length: 2-hour bars give 4,380 bars a year', () => {
    assert.equal(periodsPerYear(2), 4380);
  });

  it('rejects non-positive closes and empty input, naming what is wrong', () => {
    assert.throws(() => logReturns([100, 0]), /closes\[1\] must be a positive number/);
    assert.throws(() => ewmaVolatility([], 0.94, 365), /returns must not be empty/);
    assert.throws(() => ewmaVolatility([0.1], 1, 365), /lambda/);
  });
});
