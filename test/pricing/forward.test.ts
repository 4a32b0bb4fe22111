import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forwardPrice, yearFraction } from '../../src/pricing/index.js';
import { assertClose } from './support.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('yearFraction (ACT/365)', () => {
  it('counts actual days over 365', () => {
    assert.equal(yearFraction(0, 365 * DAY_MS), 1);
    assert.equal(yearFraction(0, DAY_MS), 1 / 365);
    const leapYear = yearFraction(Date.parse('2024-01-01T00:00:00Z'), Date.parse('2025-01-01T00:00:00Z'));
    assertClose(leapYear, 366 / 365, 1e-15, 0, { leapYear });
    // Deribit expiries are at 08:00 UTC: a 27 Jun expiry seen at 06:00 UTC is 2 hours = 2/8760 years away.
    const hours = yearFraction(Date.parse('2025-06-27T06:00:00Z'), Date.parse('2025-06-27T08:00:00Z'));
    assertClose(hours, 2 / (365 * 24), 1e-15, 0, { hours });
  });

  it('is signed: a past expiry gives a negative fraction instead of a silent 0', () => {
    assert.equal(yearFraction(365 * DAY_MS, 0), -1);
    assert.equal(yearFraction(5, 5), 0);
  });

  it('rejects non-finite times naming the argument', () => {
    assert.throws(() => yearFraction(Number.NaN, 0), {
      name: 'RangeError',
      message: /^fromMs must be a finite number, got NaN$/,
    });
    assert.throws(() => yearFraction(0, Number.POSITIVE_INFINITY), { name: 'RangeError', message: /^toMs / });
  });
});

describe('forwardPrice', () => {
  it('is spot·exp((quoteRate − baseRate)·T)', () => {
    assertClose(forwardPrice(100, 1, 0.05, 0.01), 100 * Math.exp(0.04), 1e-15, 0, {});
    assertClose(forwardPrice(65000, 0.25, 0.0, 0.02), 65000 * Math.exp(-0.005), 1e-15, 0, {});
    assert.equal(forwardPrice(100, 0, 0.5, -0.5), 100);
  });

  it('rejects bad arguments naming them, and overflow', () => {
    const cases: [[number, number, number, number], RegExp][] = [
      [[0, 1, 0, 0], /^spot must be a finite number > 0, got 0$/],
      [[100, -1, 0, 0], /^timeToExpiry must be a finite number >= 0, got -1$/],
      [[100, 1, Number.NaN, 0], /^quoteRate /],
      [[100, 1, 0, Number.NEGATIVE_INFINITY], /^baseRate /],
      [[1e300, 10, 100, 0], /^forwardPrice is not representable/],
    ];
    for (const [args, message] of cases) {
      assert.throws(() => forwardPrice(...args), { name: 'RangeError', message }, JSON.stringify(args));
    }
  });
});
