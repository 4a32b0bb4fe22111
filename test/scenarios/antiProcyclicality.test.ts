// Volatility paths, the scan range through time and the EMIR anti-procyclicality tools (Commission Delegated
// Regulation (EU) No 153/2013, Article 28(1)), against hand-derived values and the one-shot estimators.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/core/index.js';
import {
  APC_LOOKBACK_DAYS,
  APC_MINIMUM_FRACTION,
  apcIssues,
  bufferedRanges,
  checkApcTool,
  defaultApcTool,
  stressedVolatilityPath,
  weightedStressVolatility,
} from '../../src/scenarios/antiProcyclicality.js';
import { ewmaVolatility, logReturns, realisedVolatility } from '../../src/scenarios/index.js';
import { shockRange, shockRangePath, type ShockRangeParameters } from '../../src/scenarios/shockRange.js';
import {
  ewmaVolatilityPath,
  lambdaPerBar,
  realisedVolatilityPath,
  slidingMaximum,
} from '../../src/scenarios/volatilityPath.js';

const DAY = 86_400_000;
const TIGHT = 1e-12;
const close = (a: number, b: number, tol = TIGHT): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const returnsArb = fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 1, maxLength: 80 });

function daily(closes: number[]): { times: number[]; closes: number[]; intervalHours: number } {
  return { times: closes.map((_, i) => Date.UTC(2024, 0, 1) + i * DAY), closes, intervalHours: 24 };
}

const BASE: ShockRangeParameters = {
  estimator: { kind: 'ewma', lambdaPerDay: 0.94 },
  z: 2.58,
  mporDays: 2,
  min: 0.01,
  max: 0.45,
  apc: { kind: 'none' },
};

describe('volatility paths', () => {
  it('lambda per bar keeps the daily decay: 0.94 per day is 0.94^(1/12) per 2-hour bar', () => {
    assert.equal(lambdaPerBar(0.94, 24), 0.94);
    // 0.94^(2/24) = 0.994857 (by hand: exp(ln 0.94 / 12) = exp(-0.061875 / 12)); twelve bars make one day.
    assert.ok(close(lambdaPerBar(0.94, 2), 0.994856987168177, 1e-12));
    assert.ok(close(lambdaPerBar(0.94, 2) ** 12, 0.94, 1e-12));
  });

  it('EWMA path: 20 returns of 1% seed 1e-4, a 5% return gives 0.94e-4 + 0.06 x 0.0025 (RiskMetrics 1996, eq. 5.1)', () => {
    const returns = [...Array<number>(20).fill(0.01), 0.05];
    const path = ewmaVolatilityPath(returns, 0.94, 365);
    // sigma^2 = 0.94 x 1e-4 + 0.06 x 0.05^2 = 2.44e-4 per day; annualised sqrt(2.44e-4 x 365) = 0.2984292
    assert.ok(close(path[20]!, 0.2984292210893565));
    assert.ok(close(path[19]!, Math.sqrt(1e-4 * 365)));
  });

  it('EWMA path entry i equals ewmaVolatility of returns 0..i (property)', () => {
    fc.assert(
      fc.property(returnsArb, fc.double({ min: 0, max: 0.999, noNaN: true }), (returns, lambda) => {
        const path = ewmaVolatilityPath(returns, lambda, 365);
        returns.forEach((_, i) =>
          assert.ok(close(path[i]!, ewmaVolatility(returns.slice(0, i + 1), lambda, 365), 1e-12)),
        );
      }),
    );
  });

  it('realised path entry i equals realisedVolatility of returns 0..i, to the rounding of one pass (property)', () => {
    // The path keeps compensated running sums and takes (sum of squares - sum^2 / n) / (n - 1);
    // realisedVolatility takes two passes. The one-pass variance errs by about n eps x the window's sum of
    // squares (Chan, Golub and LeVeque, "Algorithms for computing the sample variance", The American
    // Statistician, 1983); Neumaier's compensated sum leaves at most about k eps^2 x the sum of all k terms
    // added and removed. The variances must agree within those two bounds.
    fc.assert(
      fc.property(returnsArb, fc.integer({ min: 2, max: 30 }), (returns, window) => {
        const path = realisedVolatilityPath(returns, window, 365);
        assert.equal(path[0], 0);
        for (let i = 1; i < returns.length; i++) {
          const w = returns.slice(Math.max(0, i - window + 1), i + 1);
          const sq = (a: number, r: number): number => a + r * r;
          const onePass = (4 * w.length * Number.EPSILON * w.reduce(sq, 0)) / (w.length - 1);
          const removed =
            (8 * (i + 1) * Number.EPSILON ** 2 * returns.slice(0, i + 1).reduce(sq, 0)) / (w.length - 1);
          const reference = realisedVolatility(returns.slice(0, i + 1), window, 365) ** 2 / 365;
          // 1e-300: squares of returns under 1e-154 underflow, differently in each formula.
          const bound = onePass + removed + 1e-12 * reference + 1e-300;
          assert.ok(Math.abs(path[i]! ** 2 / 365 - reference) <= bound, `entry ${i}`);
        }
      }),
    );
  });

  it('a window of equal returns after a large one has a vol of exactly 0 (no drift from removed returns)', () => {
    const path = realisedVolatilityPath([0.0078125, 0.0000048, 0, 0], 2, 365);
    assert.equal(path[3], 0);
  });

  it('sliding maximum equals the naive maximum of the last w values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })),
        fc.integer({ min: 1, max: 9 }),
        (v, w) => {
          const out = slidingMaximum(v, w);
          v.forEach((_, i) => assert.equal(out[i], Math.max(...v.slice(Math.max(0, i - w + 1), i + 1))));
        },
      ),
    );
  });
});

describe('scan range R_t = clamp(z·σ_t·√(MPOR/365), min, max)', () => {
  it('σ 73%, z 2.58, MPOR 2 days: R = 2.58 x 0.73 x √(2/365) = 0.1394155', () => {
    assert.ok(close(shockRange(0.73, BASE), 0.13941552280861697));
    assert.equal(shockRange(0.01, BASE), 0.01, 'clamped at min');
    assert.equal(shockRange(5, BASE), 0.45, 'clamped at max');
  });

  it('a range at bar t does not depend on later prices (no look-ahead, property)', () => {
    const closes = [100, 104, 98, 101, 99, 107, 95, 102, 100, 97, 103, 108];
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 10 }),
        fc.double({ min: 50, max: 200, noNaN: true }),
        (cut, price) => {
          const a = shockRangePath(daily(closes), { ...BASE, warmupBars: 2 });
          const changed = closes.map((c, i) => (i > cut ? price : c));
          const b = shockRangePath(daily(changed), { ...BASE, warmupBars: 2 });
          for (let i = 0; i + a.first <= cut; i++) assert.equal(a.range[i], b.range[i]);
        },
      ),
    );
  });

  it('the first range comes after the warm-up; too short a series is an InputError naming the file', () => {
    const path = shockRangePath(daily([100, 101, 102, 103]), { ...BASE, warmupBars: 2 });
    assert.equal(path.first, 2);
    assert.deepEqual(path.closes, [102, 103]);
    assert.throws(
      () => shockRangePath({ ...daily([100, 101, 102]), source: 'p.csv' }, BASE),
      (e: unknown) => e instanceof InputError && e.issues[0]!.path === 'p.csv',
    );
  });

  it('bad parameters are InputErrors naming each field', () => {
    const bad = { ...BASE, z: 0, max: 1.2, min: 2, estimator: { kind: 'ewma' as const, lambdaPerDay: 1 } };
    assert.throws(
      () => shockRangePath(daily([100, 101, 102, 103]), bad),
      (e: unknown) =>
        e instanceof InputError &&
        ['z', 'max', 'min', 'estimator.lambdaPerDay'].every((p) => e.issues.some((i) => i.path === p)),
    );
  });
});

describe('APC (a) buffer: at least 25%, exhausted while margins rise (RTS 153/2013 Art. 28(1)(a))', () => {
  it('follows the hand-derived table', () => {
    const times = [0, 1, 2, 3, 4, 5].map((d) => d * DAY);
    // b = 0.25, rebuilt over 10 days: a day rebuilds 0.25 x R / 10.
    // t0 R 0.10: full buffer 0.125
    // t1 R 0.10: min(0.125, 0.125 + 0.0025) = 0.125
    // t2 R 0.11: min(0.1375, 0.125 + 0.00275) = 0.12775: R rose 10%, the margin 2.2%
    // t3 R 0.14: min(0.175, 0.12775 + 0.0035) = 0.13125 < R, so R: the buffer is exhausted
    // t4 R 0.14: min(0.175, 0.14 + 0.0035) = 0.1435: rebuilding
    // t5 R 0.10: min(0.125, 0.1435 + 0.0025) = 0.125: back to the full buffer
    const out = bufferedRanges([0.1, 0.1, 0.11, 0.14, 0.14, 0.1], times, 0.25, 10);
    [0.125, 0.125, 0.12775, 0.14, 0.1435, 0.125].forEach((v, i) => assert.ok(close(out[i]!, v), `t${i}`));
  });

  it('never below the calculated range nor above (1 + b) times it; flat ranges keep the full buffer (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 0.4, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (r) => {
          const out = bufferedRanges(
            r,
            r.map((_, i) => i * DAY),
            0.25,
            10,
          );
          r.forEach((x, i) => assert.ok(out[i]! >= x && out[i]! <= 1.25 * x * (1 + 1e-15)));
          const flat = bufferedRanges(
            r.map(() => r[0]!),
            r.map((_, i) => i * DAY),
            0.25,
            10,
          );
          flat.forEach((x) => assert.ok(close(x, 1.25 * r[0]!)));
        },
      ),
    );
  });

  it('a buffer under 25% is rejected with the article cited', () => {
    assert.throws(
      () => checkApcTool({ kind: 'buffer', buffer: 0.2, rebuildDays: 10 }),
      (e: unknown) =>
        e instanceof InputError &&
        e.issues[0]!.path === 'apc.buffer' &&
        /28\(1\)\(a\)/.test(e.issues[0]!.hint ?? ''),
    );
    assert.deepEqual(apcIssues(defaultApcTool('buffer')), []);
    assert.equal(APC_MINIMUM_FRACTION, 0.25);
  });
});

describe('APC (c) floor: no lower than with a 10-year lookback vol (RTS 153/2013 Art. 28(1)(c))', () => {
  const closes = [100, 110, 99, 108.9, 108.9];
  it('with less than 10 years of data the floor uses all of it: 4 returns, hand-derived', () => {
    // Returns ln 1.1, ln 0.9, ln 1.1, 0 = 0.0953102, -0.1053605, 0.0953102, 0; mean 0.0213150;
    // sample variance 0.0091505 per day; annualised vol sqrt(0.0091505 x 365) = 1.8275512;
    // floor range 2.58 x 1.8275512 x sqrt(2/365) = 0.349 (below the 0.45 cap).
    const path = shockRangePath(daily(closes), { ...BASE, apc: defaultApcTool('floor'), warmupBars: 4 });
    assert.ok(close(path.apcSigma![0]!, 1.8275511755408642, 1e-12));
    assert.ok(close(path.range[0]!, 2.58 * 1.8275511755408642 * Math.sqrt(2 / 365), 1e-12));
    assert.ok(path.range[0]! > path.base[0]!, 'the floor binds after the calm last return');
  });

  it('R_apc = max(R, range of the lookback vol), the lookback vol as realisedVolatility computes it (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.7, max: 1.4, noNaN: true }), { minLength: 6, maxLength: 60 }),
        (moves) => {
          const prices = moves.reduce<number[]>((a, m) => [...a, a[a.length - 1]! * m], [100]);
          const floorTool = { kind: 'floor' as const, lookbackDays: 3650 };
          const p = shockRangePath(daily(prices), { ...BASE, apc: floorTool, warmupBars: 5 });
          const returns = logReturns(prices);
          for (let i = 0; i < p.range.length; i++) {
            const all = returns.slice(0, p.first + i);
            const floor = shockRange(realisedVolatility(all, 3650, 365), BASE);
            assert.ok(close(p.range[i]!, Math.max(p.base[i]!, floor), 1e-9));
          }
        },
      ),
    );
  });

  it('a lookback shorter than 10 years is rejected', () => {
    const issues = apcIssues({ kind: 'floor', lookbackDays: 365 });
    assert.equal(issues[0]?.path, 'apc.lookbackDays');
    assert.equal(APC_LOOKBACK_DAYS, 3650);
  });
});

describe('APC (b) weight: at least 25% on stressed observations (RTS 153/2013 Art. 28(1)(b))', () => {
  it('the mixture vol of 25% stressed (120%) and 75% current (40%) is sqrt(0.75 x 0.16 + 0.25 x 1.44) = 0.6928', () => {
    assert.ok(close(weightedStressVolatility(0.4, 1.2, 0.25), 0.6928203230275509));
    assert.equal(weightedStressVolatility(0.4, 1.2, 1), 1.2);
  });

  it('the stressed vol is the most volatile full window in the lookback (against a naive search)', () => {
    const returns = [0.01, -0.01, 0.2, -0.25, 0.01, 0.0, -0.01, 0.02, 0.01, -0.02];
    const stressed = stressedVolatilityPath(returns, 3, 6, 365);
    for (let i = 2; i < returns.length; i++) {
      let best = 0;
      for (let end = Math.max(2, i - 6 + 3); end <= i; end++)
        best = Math.max(best, realisedVolatility(returns.slice(end - 2, end + 1), 3, 365));
      assert.ok(close(stressed[i]!, best, 1e-9), `bar ${i}`);
    }
    // By bar 9 the windows holding the 20% and -25% returns (ending at bars 2..4) left the 6-return lookback.
    assert.ok(stressed[9]! < stressed[5]!);
  });

  it('weighted vol lies between current and stressed; its range is never below the unweighted one (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.double({ min: 0.25, max: 1, noNaN: true }),
        (current, extra, w) => {
          const stressed = current + extra;
          const v = weightedStressVolatility(current, stressed, w);
          assert.ok(v >= current * (1 - 1e-15) && v <= stressed * (1 + 1e-15));
          assert.ok(v >= Math.sqrt(w) * stressed * (1 - 1e-15), 'at least the stressed share');
        },
      ),
    );
  });

  it('a weight under 25% or over 1 is rejected', () => {
    assert.equal(
      apcIssues({ kind: 'weight', weight: 0.1, lookbackDays: 3650, stressDays: 30 })[0]?.path,
      'apc.weight',
    );
    assert.equal(
      apcIssues({ kind: 'weight', weight: 1.5, lookbackDays: 3650, stressDays: 30 })[0]?.path,
      'apc.weight',
    );
  });
});
