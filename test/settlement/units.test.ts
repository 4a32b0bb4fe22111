// Exact ledger amounts: decimal strings to smallest units and back, never rounded; floats rounded once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/core/index.js';
import { floatToUnits, formatUnits, parseExactDecimal, parseUnits } from '../../src/settlement/index.js';

function issueOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
  }
  assert.fail('expected an InputError');
}

describe('parseUnits', () => {
  // Each expected value is the decimal times 10^decimals, written out by hand.
  const cases: [unknown, number, bigint][] = [
    ['12.5', 6, 12_500_000n],
    ['-0.00000001', 8, -1n],
    ['1e-8', 8, 1n],
    ['0.5E2', 0, 50n],
    ['+3', 2, 300n],
    ['.25', 2, 25n],
    [12.5, 6, 12_500_000n],
    ['340282366920938463463374607431768211455', 0, (1n << 128n) - 1n],
  ];
  for (const [value, decimals, units] of cases)
    it(`${JSON.stringify(value)} with ${decimals} decimals is ${units} units`, () =>
      assert.equal(parseUnits(value, decimals, 'x'), units));

  it('refuses a fraction finer than the unit instead of rounding it', () =>
    assert.match(
      issueOf(() => parseUnits('0.0000001', 6, 'fees.USDT')),
      /^fees\.USDT: .*finer than/,
    ));
  it('refuses text that is not a decimal', () => {
    for (const bad of ['abc', '', '.', '1.2.3', '0x10', 'Infinity', '1e'])
      assert.match(
        issueOf(() => parseUnits(bad, 2, 'a')),
        /not a decimal number/,
        bad,
      );
  });
  it('refuses a float that no longer holds the decimal written (0.1 + 0.2 has 17 significant digits)', () =>
    assert.match(
      issueOf(() => parseUnits(0.1 + 0.2, 8, 'a')),
      /more than 15 significant digits/,
    ));
  it('refuses more than 128 bits', () =>
    assert.match(
      issueOf(() => parseUnits('340282366920938463463374607431768211456', 0, 'a')),
      /128 bits/,
    ));
  it('refuses non-numbers', () =>
    assert.match(
      issueOf(() => parseUnits(true, 2, 'a')),
      /decimal string/,
    ));
});

describe('formatUnits', () => {
  it('writes exactly `decimals` fraction digits and the sign', () => {
    assert.equal(formatUnits(-1n, 8), '-0.00000001');
    assert.equal(formatUnits(1_504_050_000n, 6), '1504.050000');
    assert.equal(formatUnits(5n, 0), '5');
    assert.equal(formatUnits(0n, 2), '0.00');
  });
  it('round-trips with parseUnits for any amount and decimals', () =>
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 127n), max: 2n ** 127n }),
        fc.integer({ min: 0, max: 30 }),
        (u, d) => assert.equal(parseUnits(formatUnits(u, d), d, 'x'), u),
      ),
    ));
});

describe('floatToUnits (the one rounding of margin and equity)', () => {
  it('reads a float as the decimal it stands for: 1.1 is 110 cents, though 1.1 * 100 = 110.00000000000001', () => {
    assert.equal(1.1 * 100, 110.00000000000001);
    assert.equal(floatToUnits(1.1, 2, 'ceil'), 110n);
    assert.equal(floatToUnits(1.1, 2, 'floor'), 110n);
  });
  it('rounds up for requirements and down for equity', () => {
    // 0.005 USD is half a cent: up to 1 cent, down to 0; -0.005 down to -1 cent.
    assert.equal(floatToUnits(0.005, 2, 'ceil'), 1n);
    assert.equal(floatToUnits(0.005, 2, 'floor'), 0n);
    assert.equal(floatToUnits(-0.005, 2, 'floor'), -1n);
    assert.equal(floatToUnits(-0.005, 2, 'ceil'), 0n);
    assert.equal(floatToUnits(1e21, 0, 'floor'), 10n ** 21n);
  });
  it('never rounds twice: ceil and floor differ by at most one unit and bracket the decimal', () =>
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 8 }),
        (x, d) => {
          const up = floatToUnits(x, d, 'ceil');
          const down = floatToUnits(x, d, 'floor');
          const exact = parseExactDecimal(String(x))!;
          // exact value × 10^d, compared as fractions over 10^(-exponent).
          const scale = exact.exponent + d;
          const num = scale >= 0 ? exact.mantissa * 10n ** BigInt(scale) : exact.mantissa;
          const den = scale >= 0 ? 1n : 10n ** BigInt(-scale);
          assert.ok(down * den <= num && num <= up * den);
          assert.ok(up - down <= 1n);
        },
      ),
    ));
  it('throws on NaN and infinities', () => {
    assert.throws(() => floatToUnits(Number.NaN, 2, 'ceil'), RangeError);
    assert.throws(() => floatToUnits(Number.POSITIVE_INFINITY, 2, 'ceil'), RangeError);
  });
});
