import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  black76Greeks,
  black76Price,
  inverseOptionGreeks,
  inverseOptionPrice,
  type Black76Input,
} from '../../src/pricing/index.js';
import {
  assertClose,
  black76InputArb,
  checkFiniteDifferences,
  FD_ABS_TOL,
  FD_REL_TOL,
  fdInputs,
  logUniform,
} from './support.js';

/** inverse price × forward vs linear price: one division and one multiplication of rounding. */
const ROUND_TRIP_REL_TOL = 4 * Number.EPSILON;
/** Absolute floor (fraction of df·max(F, K)): subnormal premiums (< 2.2e-308) lose relative precision. */
const ROUND_TRIP_ABS_TOL = 1e-300;

const btcCall: Black76Input = {
  forward: 65000,
  strike: 70000,
  vol: 0.6,
  timeToExpiry: 30 / 365,
  rate: 0,
  optionType: 'call',
};

describe('inverse (coin-settled) options', () => {
  it('inverse price × forward equals the linear price', () => {
    fc.assert(
      fc.property(
        black76InputArb({
          forward: [1e-4, 1e7],
          logMoneyness: [-5, 5],
          vol: fc.oneof(fc.constant(0), logUniform(1e-4, 10)),
          timeToExpiry: fc.oneof(fc.constant(0), logUniform(1e-6, 10)),
          rate: [-0.05, 0.2],
        }),
        (input) => {
          const linear = black76Price(input);
          const floor =
            ROUND_TRIP_ABS_TOL *
            Math.exp(-input.rate * input.timeToExpiry) *
            Math.max(input.forward, input.strike);
          assertClose(inverseOptionPrice(input) * input.forward, linear, ROUND_TRIP_REL_TOL, floor, {
            ...input,
            linear,
          });
          assertClose(inverseOptionGreeks(input).price, linear / input.forward, 0, 0, input);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a BTC call: premium in coin = USD premium / forward, vega and theta scale by 1/F', () => {
    const usd = black76Greeks(btcCall);
    const coin = inverseOptionGreeks(btcCall);
    assert.equal(coin.price, usd.price / btcCall.forward);
    assert.equal(coin.vega, usd.vega / btcCall.forward);
    assert.equal(coin.theta, usd.theta / btcCall.forward);
    // Coin delta is below the USD delta / F: the coin premium loses value per coin as F rises.
    assert.ok(coin.delta < usd.delta / btcCall.forward, JSON.stringify({ coin, usd }));
  });

  it('at expiry: price = payoff/F, delta = K/F² in the money (d(1 − K/F)/dF), theta = rate·price', () => {
    const itm = { ...btcCall, strike: 50000, timeToExpiry: 0, rate: 0.05 };
    const g = inverseOptionGreeks(itm);
    assertClose(g.price, (65000 - 50000) / 65000, 1e-15, 0, itm);
    assertClose(g.delta, 50000 / 65000 ** 2, 1e-15, 0, itm);
    assertClose(g.gamma, (-2 * 50000) / 65000 ** 3, 1e-15, 0, itm);
    assert.equal(g.vega, 0);
    assertClose(g.theta, 0.05 * g.price, 1e-15, 0, itm);
    const otm = inverseOptionGreeks({ ...itm, strike: 80000 });
    assert.deepEqual(otm, { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0 });
  });

  it(`analytic inverse greeks agree with central finite differences (rel ${FD_REL_TOL}, floor ${FD_ABS_TOL} of scale)`, (t) => {
    let worst = 0;
    fc.assert(
      fc.property(fdInputs, (input) => {
        worst = Math.max(worst, checkFiniteDifferences(inverseOptionPrice, inverseOptionGreeks, input, true));
      }),
      { numRuns: 3000 },
    );
    t.diagnostic(`worst finite-difference error: ${worst.toFixed(3)} of the allowance`);
  });

  it('rejects bad arguments with a RangeError naming the argument', () => {
    assert.throws(() => inverseOptionPrice({ ...btcCall, forward: 0 }), {
      name: 'RangeError',
      message: /^forward /,
    });
    assert.throws(() => inverseOptionGreeks({ ...btcCall, vol: -1 }), {
      name: 'RangeError',
      message: /^vol /,
    });
    assert.throws(() => inverseOptionGreeks({ ...btcCall, timeToExpiry: Number.NaN }), {
      name: 'RangeError',
      message: /^timeToExpiry /,
    });
  });
});
