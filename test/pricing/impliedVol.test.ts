import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  black76Greeks,
  black76Price,
  impliedVol,
  inverseOptionPrice,
  type ImpliedVolArgs,
} from '../../src/pricing/index.js';
import { assertClose, black76InputArb, logUniform } from './support.js';

/** Required accuracy of the recovered vol (absolute, vol units). */
const IMPLIED_VOL_ABS_TOL = 1e-8;
/** vega/(df·max(F, K)) below which a float64 premium cannot pin the vol to IMPLIED_VOL_ABS_TOL. */
const VEGA_NEGLIGIBLE_REL = 1e-6;

const atm: ImpliedVolArgs = {
  price: 0,
  forward: 100,
  strike: 100,
  timeToExpiry: 0.5,
  rate: 0.02,
  optionType: 'call',
};

describe('impliedVol', () => {
  it('recovers vol to 1e-8 for |ln K/F| <= 2, T in [1 day, 5 y], vol in [0.05, 3], linear and inverse', (t) => {
    let worst = 0;
    let checked = 0;
    fc.assert(
      fc.property(
        black76InputArb({
          forward: [1e-3, 1e6],
          logMoneyness: [-2, 2],
          vol: logUniform(0.05, 3),
          timeToExpiry: logUniform(1 / 365, 5),
          rate: [-0.01, 0.1],
        }),
        fc.boolean(),
        (input, inverse) => {
          const { vega } = black76Greeks(input);
          const df = Math.exp(-input.rate * input.timeToExpiry);
          if (vega < VEGA_NEGLIGIBLE_REL * df * Math.max(input.forward, input.strike)) return;
          const price = inverse ? inverseOptionPrice(input) : black76Price(input);
          const iv = impliedVol({ ...input, price, inverse });
          worst = Math.max(worst, Math.abs(iv - input.vol));
          checked++;
          assertClose(iv, input.vol, 0, IMPLIED_VOL_ABS_TOL, { ...input, inverse, price, vega });
        },
      ),
      { numRuns: 5000 },
    );
    t.diagnostic(
      `${checked} cases with non-negligible vega; worst |impliedVol − vol| = ${worst.toExponential(2)}`,
    );
  });

  it('recovers Haug’s Black-76 example vol (0.28) from the rounded premium 1.7011', () => {
    const iv = impliedVol({
      price: 1.7011,
      forward: 19,
      strike: 19,
      timeToExpiry: 0.75,
      rate: 0.1,
      optionType: 'put',
    });
    assertClose(iv, 0.28, 0, 1e-4, { iv });
  });

  it('solves at the money, deep in and out of the money, and for tiny and huge vols', () => {
    for (const [strike, vol, timeToExpiry] of [
      [100, 1e-4, 1],
      [100, 15, 0.02],
      [100, 0.8, 1 / 365],
      [20, 0.3, 2],
      [500, 0.3, 2],
      [102, 0.01, 1],
    ] as const) {
      for (const optionType of ['call', 'put'] as const) {
        const input = { ...atm, strike, vol, timeToExpiry, optionType };
        const price = black76Price(input);
        const iv = impliedVol({ ...input, price });
        assertClose(iv, vol, 1e-7, 0, { ...input, price, iv });
      }
    }
  });

  it('throws a RangeError naming price and the bounds when the price is outside the no-arbitrage range', () => {
    const df = Math.exp(-atm.rate * atm.timeToExpiry);
    const itmCall = { ...atm, strike: 80 };
    const intrinsic = df * 20;
    for (const [args, label] of [
      [{ ...itmCall, price: intrinsic }, 'equal to discounted intrinsic'],
      [{ ...itmCall, price: intrinsic * 0.99 }, 'below discounted intrinsic'],
      [{ ...itmCall, price: df * 100 }, 'equal to df·F'],
      [{ ...itmCall, price: 150 }, 'above df·F'],
      [{ ...atm, optionType: 'put', price: df * 100 }, 'put equal to df·K'],
      [{ ...atm, price: 0 }, 'zero'],
      [{ ...atm, price: -1 }, 'negative'],
    ] as const) {
      assert.throws(
        () => impliedVol(args),
        { name: 'RangeError', message: /^price must lie strictly between the no-arbitrage bounds .* got / },
        `${label}: ${JSON.stringify(args)}`,
      );
    }
    // The message gives both bounds in the premium's own unit.
    assert.throws(() => impliedVol({ ...itmCall, price: 1 }), {
      message: new RegExp(
        `bounds ${intrinsic} \\(discounted intrinsic\\) and ${df * 100} \\(discounted forward\\)`,
      ),
    });
  });

  it('checks inverse premiums against the bounds in coin', () => {
    const df = Math.exp(-atm.rate * atm.timeToExpiry);
    const args = { ...atm, strike: 80, inverse: true };
    assert.throws(() => impliedVol({ ...args, price: 1 }), {
      name: 'RangeError',
      message: new RegExp(
        `^price must lie .* ${(df * 20) / 100} .* and ${(df * 100) / 100} .* in coin per unit, got 1 `,
      ),
    });
    assert.throws(() => impliedVol({ ...args, price: 20 }), { name: 'RangeError', message: /^price / });
    const coinPrice = inverseOptionPrice({ ...args, vol: 0.7 });
    assertClose(impliedVol({ ...args, price: coinPrice }), 0.7, 0, IMPLIED_VOL_ABS_TOL, {
      ...args,
      coinPrice,
    });
  });

  it('throws naming price when the implied vol lies outside the solver range [1e-6, 20]', () => {
    const short = { ...atm, timeToExpiry: 0.01 };
    assert.throws(() => impliedVol({ ...short, price: 0.9 * 100 }), {
      name: 'RangeError',
      message: /^price implies a vol above .* 20/,
    });
    assert.throws(() => impliedVol({ ...atm, price: 1e-8 }), {
      name: 'RangeError',
      message: /^price implies a vol below .* 0.000001/,
    });
  });

  it('rejects bad arguments with a RangeError naming the argument', () => {
    const good = { ...atm, price: 5 };
    for (const [field, value, message] of [
      ['price', Number.NaN, /^price must be a finite number, got NaN/],
      ['price', Number.POSITIVE_INFINITY, /^price must be a finite number, got Infinity/],
      ['forward', 0, /^forward must be a finite number > 0, got 0/],
      ['strike', -100, /^strike must be a finite number > 0, got -100/],
      ['timeToExpiry', 0, /^timeToExpiry must be a finite number > 0, got 0/],
      ['timeToExpiry', -1, /^timeToExpiry /],
      ['rate', Number.NaN, /^rate must be a finite number, got NaN/],
      ['optionType', 'both', /^optionType must be 'call' or 'put'/],
    ] as const) {
      const args = { ...good, [field]: value };
      assert.throws(() => impliedVol(args), { name: 'RangeError', message }, `${field}=${String(value)}`);
    }
  });
});
