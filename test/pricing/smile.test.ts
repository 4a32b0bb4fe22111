import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  interpolateStrikeVol,
  sviTotalVariance,
  sviVol,
  type StrikeVolPoint,
  type SviParams,
} from '../../src/pricing/index.js';
import { assertClose } from './support.js';

const svi: SviParams = { a: 0.04, b: 0.4, rho: -0.4, m: 0.05, sigma: 0.2 };

describe('SVI', () => {
  it('at k = m the total variance is a + b·sigma, and the minimum bound a + b·sigma·√(1−rho²) holds', () => {
    assertClose(sviTotalVariance(svi, svi.m), svi.a + svi.b * svi.sigma, 1e-15, 0, { ...svi });
    const floor = svi.a + svi.b * svi.sigma * Math.sqrt(1 - svi.rho ** 2);
    for (let k = -3; k <= 3; k += 0.01) {
      assert.ok(
        sviTotalVariance(svi, k) >= floor - 1e-15,
        `w(${k}) below ${floor} for ${JSON.stringify(svi)}`,
      );
    }
  });

  it('wings are asymptotically linear with slopes b·(1 ± rho)', () => {
    const k = 1e4;
    assertClose(sviTotalVariance(svi, k) / k, svi.b * (1 + svi.rho), 1e-4, 0, { ...svi, k });
    assertClose(sviTotalVariance(svi, -k) / k, svi.b * (1 - svi.rho), 1e-4, 0, { ...svi, k: -k });
  });

  it('accepts the zero-variance boundary a = −b·sigma·√(1−rho²) and returns w >= 0', () => {
    const edge = { a: 0, b: 0.5, rho: 0, m: 0, sigma: 0.1 };
    const boundary = { ...edge, a: -edge.b * edge.sigma };
    assert.equal(sviTotalVariance(boundary, 0), 0);
    assert.equal(sviVol(boundary, 100, 100, 1), 0);
  });

  it('rejects invalid parameters with a RangeError naming the field', () => {
    for (const [patch, message] of [
      [{ b: -0.1 }, /^b must be a finite number >= 0, got -0.1$/],
      [{ rho: 1 }, /^rho must be a finite number with \|rho\| < 1, got 1$/],
      [{ rho: -1.5 }, /^rho .*got -1.5$/],
      [{ sigma: 0 }, /^sigma must be a finite number > 0, got 0$/],
      [{ sigma: -0.2 }, /^sigma /],
      [{ a: -1 }, /^a must satisfy a \+ b\*sigma\*sqrt\(1 - rho\^2\) >= 0/],
      [{ a: Number.NaN }, /^a must be a finite number, got NaN$/],
      [{ m: Number.POSITIVE_INFINITY }, /^m must be a finite number, got Infinity$/],
      [{ b: Number.NaN }, /^b /],
    ] as const) {
      const params = { ...svi, ...patch };
      assert.throws(
        () => sviTotalVariance(params, 0),
        { name: 'RangeError', message },
        JSON.stringify(patch),
      );
      assert.throws(
        () => sviVol(params, 100, 100, 1),
        { name: 'RangeError', message },
        JSON.stringify(patch),
      );
    }
  });

  it('sviVol rejects bad strike, forward, timeToExpiry and logMoneyness', () => {
    assert.throws(() => sviVol(svi, 0, 100, 1), { name: 'RangeError', message: /^strike / });
    assert.throws(() => sviVol(svi, 100, -1, 1), { name: 'RangeError', message: /^forward / });
    assert.throws(() => sviVol(svi, 100, 100, 0), {
      name: 'RangeError',
      message: /^timeToExpiry must be a finite number > 0/,
    });
    assert.throws(() => sviTotalVariance(svi, Number.NaN), { name: 'RangeError', message: /^logMoneyness / });
  });
});

describe('interpolateStrikeVol', () => {
  // Given out of order on purpose: the function sorts by strike.
  const points: StrikeVolPoint[] = [
    { strike: 100, vol: 0.5 },
    { strike: 80, vol: 0.7 },
    { strike: 120, vol: 0.45 },
  ];
  const table: [number, number][] = [
    [1, 0.7], // flat below the first strike
    [80, 0.7],
    [90, 0.6],
    [95, 0.55],
    [100, 0.5],
    [110, 0.475],
    [120, 0.45],
    [1e9, 0.45], // flat above the last strike
  ];

  it('interpolates linearly in strike and extrapolates flat', () => {
    for (const [strike, expected] of table) {
      assertClose(interpolateStrikeVol(points, strike), expected, 1e-15, 0, { strike, points });
    }
  });

  it('does not reorder the caller’s array', () => {
    const before = JSON.stringify(points);
    interpolateStrikeVol(points, 90);
    assert.equal(JSON.stringify(points), before);
  });

  it('a single point gives a flat smile', () => {
    for (const strike of [1, 100, 1e6])
      assert.equal(interpolateStrikeVol([{ strike: 100, vol: 0.4 }], strike), 0.4);
  });

  it('rejects empty, duplicate, non-positive and non-finite input with a RangeError naming it', () => {
    for (const [pts, strike, message] of [
      [[], 100, /^points must contain at least 1 point, got 0$/],
      [
        [
          { strike: 100, vol: 0.5 },
          { strike: 100, vol: 0.6 },
        ],
        100,
        /^points must have distinct strikes, got strike 100/,
      ],
      [[{ strike: 100, vol: 0 }], 100, /^points\[0\]\.vol must be a finite number > 0, got 0$/],
      [
        [
          { strike: 100, vol: 0.5 },
          { strike: 90, vol: -0.1 },
        ],
        100,
        /^points\[1\]\.vol .*got -0.1$/,
      ],
      [[{ strike: -5, vol: 0.5 }], 100, /^points\[0\]\.strike .*got -5$/],
      [[{ strike: Number.NaN, vol: 0.5 }], 100, /^points\[0\]\.strike .*got NaN$/],
      [points, 0, /^strike must be a finite number > 0, got 0$/],
      [points, Number.NaN, /^strike .*got NaN$/],
    ] as const) {
      assert.throws(
        () => interpolateStrikeVol(pts, strike),
        { name: 'RangeError', message },
        JSON.stringify({ pts, strike }),
      );
    }
  });
});
