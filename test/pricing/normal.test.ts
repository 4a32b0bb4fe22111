import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalCdf, normalPdf } from '../../src/pricing/index.js';
import { assertClose, uniform } from './support.js';

/** Relative tolerance against 40-digit reference values of Φ (stdlib erfc is within ~1e-14). */
const CDF_REL_TOL = 1e-13;

describe('normal distribution', () => {
  it('matches reference values, including the far lower tail (mpmath.ncdf at 40 digits, rounded to float64)', () => {
    for (const [x, expected] of [
      [0, 0.5],
      [-1.96, 0.024997895148220435],
      [3, 0.9986501019683699],
      [-10, 7.619853024160525e-24],
      [-37, 5.725571222524577e-300],
    ] as const) {
      assertClose(normalCdf(x), expected, CDF_REL_TOL, 0, { x });
    }
    assert.equal(normalCdf(Number.NEGATIVE_INFINITY), 0);
    assert.equal(normalCdf(Number.POSITIVE_INFINITY), 1);
    assert.equal(normalPdf(0), 1 / Math.sqrt(2 * Math.PI));
    assert.equal(normalPdf(50), 0);
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1 and φ(x) = φ(−x)', () => {
    fc.assert(
      fc.property(uniform(-40, 40), (x) => {
        assertClose(normalCdf(x) + normalCdf(-x), 1, 4 * Number.EPSILON, 0, { x });
        assert.equal(normalPdf(x), normalPdf(-x));
      }),
    );
  });

  it('is non-decreasing and its slope is the density', () => {
    fc.assert(
      // Lower half only: there Φ is small and keeps full relative precision; symmetry covers x > 0.
      fc.property(uniform(-8, 0), (x) => {
        const h = 1e-5;
        assert.ok(normalCdf(x + h) >= normalCdf(x), `Φ decreased at ${x}`);
        assertClose((normalCdf(x + h) - normalCdf(x - h)) / (2 * h), normalPdf(x), 1e-7, 1e-12, { x });
      }),
    );
  });
});
