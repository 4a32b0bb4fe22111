// Volatility estimators over a price history. All return annualised vols (fractions), using the bar length
// to annualise: periodsPerYear = 365 * 24 / intervalHours (crypto trades every day of the year).

/** Returns log returns of consecutive closes. */
export function logReturns(closes: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const prev = closes[i - 1];
    const next = closes[i];
    if (prev === undefined || next === undefined || !(prev > 0) || !(next > 0)) {
      throw new RangeError(
        `closes[${prev === undefined || !(prev > 0) ? i - 1 : i}] must be a positive number`,
      );
    }
    out.push(Math.log(next / prev));
  }
  return out;
}

/** Returns bars per year for a bar length in hours. */
export function periodsPerYear(intervalHours: number): number {
  return (365 * 24) / intervalHours;
}

/**
 * Returns the annualised EWMA (RiskMetrics) vol after the last return: s2_t = lambda s2_{t-1} + (1-lambda) r_t^2,
 * seeded with the mean square of the first min(20, n) returns. Zero-mean returns, as RiskMetrics assumes.
 */
export function ewmaVolatility(returns: readonly number[], lambda: number, barsPerYear: number): number {
  if (returns.length === 0) throw new RangeError('returns must not be empty');
  if (!(lambda >= 0 && lambda < 1)) throw new RangeError(`lambda must be in [0, 1), got ${lambda}`);
  const seedCount = Math.min(20, returns.length);
  let variance = 0;
  for (let i = 0; i < seedCount; i++) variance += (returns[i] ?? 0) ** 2 / seedCount;
  for (let i = seedCount; i < returns.length; i++)
    variance = lambda * variance + (1 - lambda) * (returns[i] ?? 0) ** 2;
  return Math.sqrt(variance * barsPerYear);
}

/** Returns the annualised sample standard deviation of the last `window` returns (all when window is larger). */
export function realisedVolatility(returns: readonly number[], window: number, barsPerYear: number): number {
  const slice = returns.slice(-window);
  if (slice.length < 2) throw new RangeError('need at least 2 returns for a realised vol');
  const mean = slice.reduce((a, b) => a + b, 0) / slice.length;
  const variance = slice.reduce((a, r) => a + (r - mean) ** 2, 0) / (slice.length - 1);
  return Math.sqrt(variance * barsPerYear);
}
