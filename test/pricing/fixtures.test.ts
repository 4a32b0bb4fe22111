// Cross-check against independent SciPy values: test/fixtures/black76.json, written by
// test/fixtures/gen/black76.py (scipy.stats.norm Black-76, its own analytic and inverse greeks, brentq
// implied vols, raw SVI). Regenerate with `python3 test/fixtures/gen/black76.py`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  black76Greeks,
  impliedVol,
  inverseOptionGreeks,
  inverseOptionPrice,
  black76Price,
  sviTotalVariance,
  sviVol,
  type Black76Greeks,
} from '../../src/pricing/index.js';
import {
  assertClose,
  greekScales,
  inputOf,
  loadFixture,
  relativeError,
  type FixtureCase,
} from './support.js';

/** Relative tolerance on prices against SciPy (observed worst ≈ 4e-14). */
const PRICE_REL_TOL = 1e-10;
/** Absolute floor on prices, as a fraction of df·max(F, K): below it a price is rounding noise. */
const PRICE_ABS_TOL = 1e-13;
/** Relative tolerance on greeks against SciPy (observed worst ≈ 1e-12, on inverse gamma). */
const GREEK_REL_TOL = 1e-9;
/** Absolute floor on greeks, as a fraction of each greek's natural scale (see greekScales). */
const GREEK_ABS_TOL = 1e-12;
/** Implied vol must match the fixture vol to this absolute error (vol units, 1e-8 = 0.000001 %). */
const IMPLIED_VOL_ABS_TOL = 1e-8;
/**
 * Below vega/(df·max(F, K)) = 1e-6 the float64 premium no longer pins the vol to 1e-8: a rounding error
 * of ~1e-16·max(F, K) in the premium moves the vol by more than that, so such cases are not asserted.
 */
const VEGA_NEGLIGIBLE_REL = 1e-6;
/** SVI values against SciPy: relative tolerance. */
const SVI_REL_TOL = 1e-14;

const fixture = loadFixture();

const GREEKS = ['price', 'delta', 'gamma', 'vega', 'theta'] as const;

function checkAgainstFixture(kind: 'linear' | 'inverse', compute: (c: FixtureCase) => Black76Greeks): string {
  const worstRel: Record<string, number> = {};
  for (const c of fixture.cases) {
    const actual = compute(c);
    const expected = c[kind];
    const scales = greekScales(inputOf(c), kind === 'inverse');
    for (const greek of GREEKS) {
      const isPrice = greek === 'price';
      assertClose(
        actual[greek],
        expected[greek],
        isPrice ? PRICE_REL_TOL : GREEK_REL_TOL,
        (isPrice ? PRICE_ABS_TOL : GREEK_ABS_TOL) * scales[greek],
        { kind, greek, id: c.id, ...inputOf(c), expected: expected[greek] },
      );
      // Worst relative error among values well above their absolute floor, for the diagnostic line.
      if (Math.abs(expected[greek]) > 1e-6 * scales[greek]) {
        worstRel[greek] = Math.max(worstRel[greek] ?? 0, relativeError(actual[greek], expected[greek]));
      }
    }
  }
  return GREEKS.map((g) => `${g} ${(worstRel[g] ?? 0).toExponential(1)}`).join(', ');
}

describe(`SciPy fixture (${fixture.generator}, scipy ${fixture.scipy})`, () => {
  it('has the expected grid of cases', () => {
    assert.equal(fixture.cases.length, 336);
    assert.ok(fixture.cases.some((c) => c.optionType === 'put') && fixture.cases.some((c) => c.vol === 3));
  });

  it('black76Greeks matches price and every greek', (t) => {
    t.diagnostic(
      `worst relative error (values above 1e-6 of scale): ${checkAgainstFixture('linear', (c) => black76Greeks(inputOf(c)))}`,
    );
  });

  it('black76Price equals black76Greeks().price', () => {
    for (const c of fixture.cases) {
      assert.equal(black76Price(inputOf(c)), black76Greeks(inputOf(c)).price, JSON.stringify(inputOf(c)));
    }
  });

  it('inverseOptionGreeks matches the directly differentiated SciPy inverse greeks', (t) => {
    t.diagnostic(
      `worst relative error (values above 1e-6 of scale): ${checkAgainstFixture('inverse', (c) => inverseOptionGreeks(inputOf(c)))}`,
    );
  });

  it('inverseOptionPrice matches the SciPy coin premium', () => {
    for (const c of fixture.cases) {
      const scale = greekScales(inputOf(c), true).price;
      assertClose(inverseOptionPrice(inputOf(c)), c.inverse.price, PRICE_REL_TOL, PRICE_ABS_TOL * scale, {
        id: c.id,
        ...inputOf(c),
      });
    }
  });

  it('impliedVol recovers the fixture vol wherever vega is not negligible', (t) => {
    let checked = 0;
    let worst = 0;
    for (const c of fixture.cases) {
      const df = Math.exp(-c.rate * c.timeToExpiry);
      if (c.linear.vega < VEGA_NEGLIGIBLE_REL * df * Math.max(c.forward, c.strike)) continue;
      const { forward, strike, timeToExpiry, rate, optionType } = c;
      for (const inverse of [false, true]) {
        const price = inverse ? c.inverse.price : c.linear.price;
        const iv = impliedVol({ price, forward, strike, timeToExpiry, rate, optionType, inverse });
        worst = Math.max(worst, Math.abs(iv - c.vol));
        const context = { id: c.id, ...inputOf(c), inverse, price, brentq: c.impliedVol };
        assertClose(iv, c.vol, 0, IMPLIED_VOL_ABS_TOL, context);
        if (c.impliedVol !== null) assertClose(iv, c.impliedVol, 0, IMPLIED_VOL_ABS_TOL, context);
      }
      checked++;
    }
    assert.ok(checked >= 150, `only ${checked} cases had a usable vega`);
    t.diagnostic(
      `${checked} cases × {linear, inverse}; worst |impliedVol − vol| = ${worst.toExponential(2)}`,
    );
  });
});

describe('SVI against SciPy', () => {
  it('sviTotalVariance and sviVol reproduce the fixture smiles', () => {
    for (const set of fixture.svi) {
      for (const point of set.points) {
        const context = { ...set.params, ...point, forward: set.forward, timeToExpiry: set.timeToExpiry };
        assertClose(
          sviTotalVariance(set.params, point.logMoneyness),
          point.totalVariance,
          SVI_REL_TOL,
          0,
          context,
        );
        assertClose(
          sviVol(set.params, point.strike, set.forward, set.timeToExpiry),
          point.vol,
          SVI_REL_TOL,
          0,
          context,
        );
      }
    }
  });
});
