// Float amounts to integers, once: the largest-remainder rule, its tie-breaks and its balance property.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseExactDecimal } from '../../src/settlement/index.js';
import { allocateUnits } from '../../src/settlement/allocate.js';

describe('allocateUnits by hand', () => {
  it("reproduces CoinEx's published funding fee: 129384.12 × 0.0642 × 0.0003 = 2.4919381512 → 2.49193815", () => {
    // docs.coinex.com/api/v2/futures/position/http/list-position-funding-history, response example: long
    // open_interest 129384.12 CETUSDT, settle_price 0.0642, funding_rate 0.0003, funding_value 2.49193815.
    // The long pays: -249193815.12 units of 1e-8 rounds to -249193815.
    const amount = -0.0003 * 129384.12 * 0.0642;
    assert.deepEqual(allocateUnits([{ participant: 'long', amount }], 8), [-249_193_815n]);
  });

  it('a closed group of longs and shorts nets to exactly zero: 2 long pays 12, shorts 1.5 and 0.5 get 9 and 3', () => {
    // rate 0.0001 × mark 60000 = 6 USDT per BTC of position; floats carry representation error (12.000000000000002).
    const perBtc = (q: number): number => -0.0001 * q * 60000;
    const units = allocateUnits(
      [
        { participant: 'a', amount: perBtc(2) },
        { participant: 'b', amount: perBtc(-1.5) },
        { participant: 'c', amount: perBtc(-0.5) },
      ],
      6,
    );
    assert.deepEqual(units, [-12_000_000n, 9_000_000n, 3_000_000n]);
    assert.equal(
      units.reduce((s, u) => s + u, 0n),
      0n,
    );
  });

  it('three thirds of one unit: the leftover unit goes to the smallest id, whatever the input order', () => {
    // 1/3 each; floors 0, 0, 0; total 0.9999999999999999 rounds to 1; equal remainders → id order.
    const third = 1 / 3;
    assert.deepEqual(
      allocateUnits(
        ['b', 'a', 'c'].map((participant) => ({ participant, amount: third })),
        0,
      ),
      [0n, 1n, 0n],
    );
  });

  it('rounds the group total half to even: 0.5 → 0, 1.5 → 2, 2.5 → 2, -0.5 → 0, -1.5 → -2', () => {
    const one = (amount: number): bigint => allocateUnits([{ participant: 'x', amount }], 0)[0]!;
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5].map(one), [0n, 2n, 2n, 0n, -2n]);
  });
});

/** Exact value × 10^decimals of a float, as numerator / denominator. */
function exactScaled(x: number, decimals: number): { num: bigint; den: bigint } {
  const e = parseExactDecimal(String(x))!;
  const s = e.exponent + decimals;
  return s >= 0
    ? { num: e.mantissa * 10n ** BigInt(s), den: 1n }
    : { num: e.mantissa, den: 10n ** BigInt(-s) };
}

describe('allocateUnits properties', () => {
  const shares = fc.uniqueArray(
    fc.record({
      participant: fc.stringMatching(/^[a-z]{1,4}$/),
      amount: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    }),
    { minLength: 1, maxLength: 12, selector: (s) => s.participant },
  );

  it('every amount is within one unit of its exact value', () =>
    fc.assert(
      fc.property(shares, fc.integer({ min: 0, max: 8 }), (list, d) => {
        allocateUnits(list, d).forEach((u, i) => {
          const { num, den } = exactScaled(list[i]!.amount, d);
          const diff = u * den - num;
          assert.ok(diff < den && -diff < den, `${u} vs ${num}/${den}`);
        });
      }),
    ));

  it('the amounts add up to the exact total, rounded once (within half a unit)', () =>
    fc.assert(
      fc.property(shares, fc.integer({ min: 0, max: 8 }), (list, d) => {
        const total = allocateUnits(list, d).reduce((s, u) => s + u, 0n);
        // Common denominator: the largest one among the shares.
        const parts = list.map((s) => exactScaled(s.amount, d));
        const den = parts.reduce((m, p) => (p.den > m ? p.den : m), 1n);
        const num = parts.reduce((s, p) => s + p.num * (den / p.den), 0n);
        const twice = 2n * (total * den - num);
        assert.ok(twice <= den && -twice <= den, `total ${total} vs ${num}/${den}`);
      }),
    ));

  it('does not depend on the order of the shares', () =>
    fc.assert(
      fc.property(shares, fc.integer({ min: 0, max: 8 }), (list, d) => {
        const byId = (l: typeof list) => {
          const units = allocateUnits(l, d);
          return new Map(l.map((s, i) => [s.participant, units[i]]));
        };
        assert.deepEqual(byId([...list].reverse()), byId(list));
      }),
    ));
});
