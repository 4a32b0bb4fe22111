// The measures of a margin backtest over plain arrays: realised losses over the margin period of risk, breaches,
// coverage, and the procyclicality measures of Murphy, Vasios and Vause, "An investigation into the
// procyclicality of risk-based initial margin models" (Bank of England Financial Stability Paper 29, 2014):
// margin variation across the cycle (peak-to-trough ratio) and short-term increases (largest n-day rise).

const DAY = 86_400_000;

/** A value at a time. */
export interface TimedValue {
  time: number;
  value: number;
}

/** How the loss over the margin period of risk is measured. */
export type LossMeasure =
  /** Value at the first bar at or after t + MPOR against the value at t. */
  | 'end'
  /** Worst value at any bar in (t, t + MPOR] against the value at t, as BME Clearing's daily backtest does. */
  | 'worst';

/** Returns, per bar, the index of the first bar at or after its time + horizon, or -1 when the data ends first. */
export function horizonEnds(times: readonly number[], horizonMs: number): Int32Array {
  const out = new Int32Array(times.length).fill(-1);
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    if (j <= i) j = i + 1;
    while (j < times.length && times[j]! < times[i]! + horizonMs) j++;
    if (j < times.length) out[i] = j;
  }
  return out;
}

/**
 * Returns the loss realised from each bar over the horizon (positive = a loss, reporting currency) from the
 * book's values per bar, and whether the horizon ended inside the data (observed = 1).
 */
export function realisedLosses(
  values: ArrayLike<number>,
  ends: Int32Array,
  measure: LossMeasure,
): { losses: Float64Array; observed: Uint8Array } {
  const losses = new Float64Array(values.length);
  const observed = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const end = ends[i]!;
    if (end < 0) continue;
    observed[i] = 1;
    if (measure === 'end') {
      losses[i] = values[i]! - values[end]!;
      continue;
    }
    let worst = -Infinity;
    for (let k = i + 1; k <= end; k++) worst = Math.max(worst, values[i]! - values[k]!);
    losses[i] = worst;
  }
  return { losses, observed };
}

/** Returns the indices of observed bars whose realised loss exceeds the margin (a breach, or testing exception). */
export function breachIndices(
  margins: ArrayLike<number>,
  losses: ArrayLike<number>,
  observed: ArrayLike<number>,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < margins.length; i++) if (observed[i] === 1 && losses[i]! > margins[i]!) out.push(i);
  return out;
}

/** Returns the share of observations the margin covered, (n - breaches) / n, or null with no observation. */
export function coverageRatio(observations: number, breaches: number): number | null {
  return observations > 0 ? (observations - breaches) / observations : null;
}

/** Returns the highest and lowest value with their times, and peak / trough (null when the trough is not > 0). */
export function peakToTrough(
  times: readonly number[],
  values: ArrayLike<number>,
): { peak: TimedValue; trough: TimedValue; ratio: number | null } | null {
  if (values.length === 0) return null;
  let hi = 0;
  let lo = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i]! > values[hi]!) hi = i;
    if (values[i]! < values[lo]!) lo = i;
  }
  const peak = { time: times[hi]!, value: values[hi]! };
  const trough = { time: times[lo]!, value: values[lo]! };
  return { peak, trough, ratio: trough.value > 0 ? peak.value / trough.value : null };
}

/** The largest rise of a value within any window of `days`: to / from - 1, with both ends. */
export interface Increase {
  days: number;
  /** Relative rise, a fraction (0.5 = +50%). */
  increase: number;
  from: TimedValue;
  to: TimedValue;
}

/**
 * Returns the largest rise within `days`: the maximum over t of value_t / min(values in [t - days, t]) - 1
 * (a sliding minimum, O(n)); null when no window has a positive minimum.
 */
export function largestIncrease(
  times: readonly number[],
  values: ArrayLike<number>,
  days: number,
): Increase | null {
  const deque = new Int32Array(values.length);
  let head = 0;
  let tail = 0;
  let best: Increase | null = null;
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    while (tail > head && values[deque[tail - 1]!]! >= v) tail--;
    deque[tail++] = t;
    while (times[deque[head]!]! < times[t]! - days * DAY) head++;
    const low = deque[head]!;
    const base = values[low]!;
    if (!(base > 0)) continue;
    const rise = v / base - 1;
    if (best === null || rise > best.increase)
      best = {
        days,
        increase: rise,
        from: { time: times[low]!, value: base },
        to: { time: times[t]!, value: v },
      };
  }
  return best;
}

/** Returns the number of distinct UTC days among times. */
export function distinctDays(times: readonly number[]): number {
  return new Set(times.map((t) => Math.floor(t / DAY))).size;
}
