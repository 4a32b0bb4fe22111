import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  black76Greeks,
  black76Price,
  type Black76Greeks,
  type Black76Input,
  type OptionType,
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

/** Put-call parity residual allowed, as a fraction of df·max(F, K) (a few float64 roundings). */
const PARITY_TOL = 1e-13;
/** Monotonicity in vol may be broken by at most this fraction of df·max(F, K) (rounding only). */
const MONOTONE_TOL = 1e-15;

const base: Black76Input = {
  forward: 100,
  strike: 100,
  vol: 0.5,
  timeToExpiry: 0.25,
  rate: 0.03,
  optionType: 'call',
};
const df = (i: Black76Input): number => Math.exp(-i.rate * i.timeToExpiry);
const payoff = (i: Black76Input): number =>
  Math.max((i.optionType === 'call' ? 1 : -1) * (i.forward - i.strike), 0);

/** Calls `check` on every combination of extreme forwards, moneyness, vols, times and option types. */
function forEachExtremeInput(check: (input: Black76Input) => void): void {
  for (const forward of [1e-300, 1e-8, 1, 65000, 1e300]) {
    for (const k of [-700, -50, -5, -1e-12, 0, 1e-12, 5, 50, 700]) {
      const strike = forward * Math.exp(k);
      if (!(strike > 0 && Number.isFinite(strike))) continue;
      for (const vol of [1e-12, 0.05, 1, 1e3, 1e200]) {
        for (const timeToExpiry of [1e-300, 1e-12, 1 / 365, 30]) {
          for (const optionType of ['call', 'put'] as const) {
            check({ forward, strike, vol, timeToExpiry, rate: 0.05, optionType });
          }
        }
      }
    }
  }
}

function assertAllFinite(g: Black76Greeks, context: unknown): void {
  for (const [name, value] of Object.entries(g)) {
    assert.ok(Number.isFinite(value), `${name} = ${String(value)} for ${JSON.stringify(context)}`);
  }
}

describe('black76: edge cases', () => {
  it('at timeToExpiry = 0 the price is the payoff and greeks are the step values', () => {
    const cases: [number, OptionType, number, number][] = [
      // strike, type, price, delta
      [90, 'call', 10, 1],
      [110, 'call', 0, 0],
      [100, 'call', 0, 0.5],
      [110, 'put', 10, -1],
      [90, 'put', 0, 0],
      [100, 'put', 0, -0.5],
    ];
    for (const [strike, optionType, price, delta] of cases) {
      const input = { ...base, strike, optionType, timeToExpiry: 0 };
      const g = black76Greeks(input);
      assert.deepEqual(
        g,
        { price, delta, gamma: 0, vega: 0, theta: base.rate * price },
        JSON.stringify(input),
      );
      assert.equal(black76Price(input), price, JSON.stringify(input));
    }
  });

  it('at vol = 0 the price is the discounted payoff, delta df·step (0.5·df at the money), theta = rate·price', () => {
    for (const [strike, optionType, step] of [
      [80, 'call', 1],
      [100, 'call', 0.5],
      [120, 'put', -1],
      [100, 'put', -0.5],
      [120, 'call', 0],
    ] as const) {
      const input = { ...base, strike, optionType, vol: 0, timeToExpiry: 2 };
      const g = black76Greeks(input);
      const expectedPrice = df(input) * payoff(input);
      assertClose(g.price, expectedPrice, 1e-15, 0, input);
      assertClose(g.delta, df(input) * step, 1e-15, 0, input);
      assert.equal(g.gamma, 0);
      assert.equal(g.vega, 0);
      assertClose(g.theta, input.rate * expectedPrice, 1e-15, 0, input);
    }
  });

  it('very deep ITM/OTM, tiny T and extreme magnitudes give finite, non-negative, arbitrage-free prices', () => {
    forEachExtremeInput((input) => {
      const price = black76Price(input);
      const upper = df(input) * (input.optionType === 'call' ? input.forward : input.strike);
      const lower = df(input) * payoff(input);
      const slack = 1e-15 * Math.max(input.forward, input.strike);
      const context = JSON.stringify(input);
      assert.ok(Number.isFinite(price) && price >= 0, `price ${price} for ${context}`);
      assert.ok(price >= lower - slack, `below discounted intrinsic: ${price} < ${lower} for ${context}`);
      assert.ok(price <= upper + slack, `above no-arbitrage bound: ${price} > ${upper} for ${context}`);
    });
  });

  it('greeks at extreme inputs are finite, or a RangeError says the true value is not representable', () => {
    let overflowed = 0;
    forEachExtremeInput((input) => {
      let g: Black76Greeks;
      try {
        g = black76Greeks(input);
      } catch (error) {
        assert.ok(error instanceof RangeError && /not representable/.test(error.message), String(error));
        // Only where a greek truly exceeds float64: gamma ~ 1/(F·vol·√T) or theta ~ F·vol/√T.
        const s = input.vol * Math.sqrt(input.timeToExpiry);
        const huge =
          1 / (input.forward * s) > 1e300 ||
          (input.forward * input.vol) / Math.sqrt(input.timeToExpiry) > 1e300;
        assert.ok(huge, `unexpected overflow for ${JSON.stringify(input)}: ${error.message}`);
        overflowed++;
        return;
      }
      assertAllFinite(g, input);
      assert.ok(
        g.gamma >= 0 && g.vega >= 0,
        `negative gamma/vega ${JSON.stringify(g)} for ${JSON.stringify(input)}`,
      );
    });
    assert.ok(overflowed < 40, `${overflowed} extreme inputs overflowed`);
  });

  it('greeks over realistic but wide ranges are always finite', () => {
    fc.assert(
      fc.property(
        black76InputArb({
          forward: [1e-8, 1e12],
          logMoneyness: [-30, 30],
          vol: fc.oneof(fc.constant(0), logUniform(1e-6, 1e3)),
          timeToExpiry: fc.oneof(fc.constant(0), logUniform(1e-12, 100)),
          rate: [-0.5, 1],
        }),
        (input) => assertAllFinite(black76Greeks(input), input),
      ),
      { numRuns: 3000 },
    );
  });

  it('huge vol sends the call to df·F and the put to df·K', () => {
    for (const vol of [50, 1e4, 1e200]) {
      const call = { ...base, strike: 80, vol, timeToExpiry: 1 };
      const put = { ...call, optionType: 'put' as const };
      assertClose(black76Price(call), df(call) * call.forward, 1e-12, 0, call);
      assertClose(black76Price(put), df(put) * put.strike, 1e-12, 0, put);
    }
  });

  it('tiny T converges to the payoff; at the money the value is ≈ df·F·vol·√(T/2π)', () => {
    for (const strike of [90, 110]) {
      for (const optionType of ['call', 'put'] as const) {
        const input = { ...base, strike, optionType, timeToExpiry: 1e-10 };
        assertClose(black76Price(input), df(input) * payoff(input), 1e-15, 0, input);
      }
    }
    const atm = { ...base, timeToExpiry: 1e-10 };
    const approx = df(atm) * atm.forward * atm.vol * Math.sqrt(atm.timeToExpiry / (2 * Math.PI));
    assertClose(black76Price(atm), approx, 1e-9, 0, atm);
  });

  it('rejects bad arguments with a RangeError naming the argument', () => {
    const bad: [keyof Black76Input, unknown, RegExp][] = [
      ['forward', 0, /^forward must be a finite number > 0, got 0$/],
      ['forward', -1, /forward .*got -1/],
      ['forward', Number.NaN, /forward .*got NaN/],
      ['strike', 0, /^strike must be a finite number > 0, got 0$/],
      ['strike', -5, /strike .*got -5/],
      ['strike', Number.POSITIVE_INFINITY, /strike .*got Infinity/],
      ['vol', -0.1, /^vol must be a finite number >= 0, got -0.1$/],
      ['vol', Number.NaN, /vol .*got NaN/],
      ['vol', Number.POSITIVE_INFINITY, /vol .*got Infinity/],
      ['timeToExpiry', -1e-9, /^timeToExpiry must be a finite number >= 0, got -1e-9$/],
      ['timeToExpiry', Number.POSITIVE_INFINITY, /timeToExpiry .*got Infinity/],
      ['rate', Number.NaN, /^rate must be a finite number, got NaN$/],
      ['rate', Number.NEGATIVE_INFINITY, /rate .*got -Infinity/],
      ['optionType', 'straddle', /optionType must be 'call' or 'put', got straddle/],
    ];
    for (const [field, value, message] of bad) {
      const input = { ...base, [field]: value };
      assert.throws(() => black76Price(input), { name: 'RangeError', message }, `${field}=${String(value)}`);
      assert.throws(() => black76Greeks(input), { name: 'RangeError', message }, `${field}=${String(value)}`);
    }
  });

  it('throws a RangeError instead of returning Infinity when the discount factor overflows', () => {
    const input = { ...base, rate: -1000, timeToExpiry: 1 };
    assert.throws(() => black76Price(input), { name: 'RangeError', message: /black76Price .*rate=-1000/ });
    assert.throws(() => black76Greeks(input), { name: 'RangeError', message: /black76Greeks price/ });
  });
});

describe('black76: textbook value', () => {
  // E. G. Haug, The Complete Guide to Option Pricing Formulas, 2nd ed., McGraw-Hill, 2007, section 1.1.3
  // "Options on Futures" (pp. 4-5), Black (1976) example: European option on Brent Blend futures, nine
  // months to expiry, F = X = 19 USD, r = 10 %, σ = 28 %: c = p = 1.7011 (printed to 4 decimals).
  it('reproduces Haug’s Black-76 example: F = K = 19, T = 0.75, r = 0.10, vol = 0.28 → 1.7011', () => {
    for (const optionType of ['call', 'put'] as const) {
      const input = { forward: 19, strike: 19, vol: 0.28, timeToExpiry: 0.75, rate: 0.1, optionType };
      assertClose(black76Price(input), 1.7011, 0, 0.5e-4, input);
    }
  });
});

describe('black76: identities (property-based)', () => {
  const wide = black76InputArb({
    forward: [1e-6, 1e9],
    logMoneyness: [-8, 8],
    vol: fc.oneof(fc.constant(0), logUniform(1e-4, 20)),
    timeToExpiry: fc.oneof(fc.constant(0), logUniform(1e-8, 50)),
    rate: [-0.1, 0.5],
  });

  it('put-call parity: C − P = df·(F − K)', () => {
    fc.assert(
      fc.property(wide, (input) => {
        const call = black76Price({ ...input, optionType: 'call' });
        const put = black76Price({ ...input, optionType: 'put' });
        const d = df(input);
        assertClose(
          call - put,
          d * (input.forward - input.strike),
          0,
          PARITY_TOL * d * Math.max(input.forward, input.strike),
          { ...input, call, put },
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('value at expiry equals the payoff', () => {
    fc.assert(
      fc.property(wide, (input) => {
        const atExpiry = { ...input, timeToExpiry: 0 };
        assert.equal(black76Price(atExpiry), payoff(atExpiry), JSON.stringify(atExpiry));
      }),
      { numRuns: 500 },
    );
  });

  it('price is non-decreasing in vol', () => {
    fc.assert(
      fc.property(wide, logUniform(1e-4, 20), logUniform(1e-4, 20), (input, v1, v2) => {
        const [low, high] = v1 <= v2 ? [v1, v2] : [v2, v1];
        const pLow = black76Price({ ...input, vol: low });
        const pHigh = black76Price({ ...input, vol: high });
        const slack = MONOTONE_TOL * df(input) * Math.max(input.forward, input.strike);
        assert.ok(
          pHigh >= pLow - slack,
          `price(${high}) = ${pHigh} < price(${low}) = ${pLow} for ${JSON.stringify(input)}`,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it(`analytic greeks agree with central finite differences (rel ${FD_REL_TOL}, floor ${FD_ABS_TOL} of scale)`, (t) => {
    let worst = 0;
    fc.assert(
      fc.property(fdInputs, (input) => {
        worst = Math.max(worst, checkFiniteDifferences(black76Price, black76Greeks, input, false));
      }),
      { numRuns: 3000 },
    );
    t.diagnostic(`worst finite-difference error: ${worst.toFixed(3)} of the allowance`);
  });
});
