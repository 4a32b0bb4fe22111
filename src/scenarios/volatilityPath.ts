// Volatility estimators through time: the value each estimator of volatility.ts would return at every bar,
// computed in one pass instead of once per bar. Entry i is the estimate after return i (returns[0..i]), so a
// margin set at bar i uses no later price. All vols are annualised fractions.

/**
 * Returns the per-bar decay factor equivalent to a daily one: lambda_bar = lambda_day^(intervalHours / 24), so
 * the estimator forgets at the same speed per day whatever the bar length (RiskMetrics' 0.94 is per day).
 */
export function lambdaPerBar(lambdaPerDay: number, intervalHours: number): number {
  if (!(lambdaPerDay >= 0 && lambdaPerDay < 1))
    throw new RangeError(`lambda must be in [0, 1), got ${lambdaPerDay}`);
  if (!(intervalHours > 0)) throw new RangeError(`intervalHours must be > 0, got ${intervalHours}`);
  return lambdaPerDay ** (intervalHours / 24);
}

/**
 * Returns the annualised EWMA vol after each return: entry i equals ewmaVolatility(returns[0..i]), seeded, as
 * there, with the mean square of the first min(20, i + 1) returns.
 */
export function ewmaVolatilityPath(
  returns: readonly number[],
  lambda: number,
  barsPerYear: number,
): Float64Array {
  if (!(lambda >= 0 && lambda < 1)) throw new RangeError(`lambda must be in [0, 1), got ${lambda}`);
  const out = new Float64Array(returns.length);
  const seedCount = Math.min(20, returns.length);
  // Before the seed is complete, the estimate is the mean square so far (what ewmaVolatility returns then).
  let sumSquares = 0;
  for (let i = 0; i < seedCount; i++) {
    sumSquares += returns[i]! ** 2;
    out[i] = Math.sqrt((sumSquares / (i + 1)) * barsPerYear);
  }
  let variance = sumSquares / Math.max(seedCount, 1);
  for (let i = seedCount; i < returns.length; i++) {
    variance = lambda * variance + (1 - lambda) * returns[i]! ** 2;
    out[i] = Math.sqrt(variance * barsPerYear);
  }
  return out;
}

/** A running sum with Neumaier's compensation: adding and later removing the same terms leaves ~0, not drift. */
function compensatedSum(): { add: (x: number) => void; value: () => number } {
  let sum = 0;
  let compensation = 0;
  return {
    add(x) {
      const t = sum + x;
      compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
      sum = t;
    },
    value: () => sum + compensation,
  };
}

/**
 * Returns the annualised sample standard deviation of the last `window` returns after each return (all of them
 * while fewer): entry i equals realisedVolatility(returns[0..i], window); entry 0 (one return) is 0.
 */
export function realisedVolatilityPath(
  returns: readonly number[],
  window: number,
  barsPerYear: number,
): Float64Array {
  if (!(Number.isInteger(window) && window >= 2))
    throw new RangeError(`window must be an integer >= 2, got ${window}`);
  const out = new Float64Array(returns.length);
  // Compensated sums: plain running sums would keep the rounding of every return that left the window.
  const sum = compensatedSum();
  const sumSquares = compensatedSum();
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    sum.add(r);
    sumSquares.add(r * r);
    if (i >= window) {
      const old = returns[i - window]!;
      sum.add(-old);
      sumSquares.add(-(old * old));
    }
    const n = Math.min(i + 1, window);
    if (n < 2) continue;
    const s = sum.value();
    const variance = Math.max(0, (sumSquares.value() - (s * s) / n) / (n - 1));
    out[i] = Math.sqrt(variance * barsPerYear);
  }
  return out;
}

/** Returns, at each index, the largest value among the last `window` entries (a sliding maximum), in O(n). */
export function slidingMaximum(values: ArrayLike<number>, window: number): Float64Array {
  if (!(Number.isInteger(window) && window >= 1))
    throw new RangeError(`window must be an integer >= 1, got ${window}`);
  const out = new Float64Array(values.length);
  // Indices whose values decrease from front to back; the front is the window's maximum.
  const deque = new Int32Array(values.length);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    while (tail > head && values[deque[tail - 1]!]! <= v) tail--;
    deque[tail++] = i;
    if (deque[head]! <= i - window) head++;
    out[i] = values[deque[head]!]!;
  }
  return out;
}
