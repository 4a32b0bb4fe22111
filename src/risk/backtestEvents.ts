// How a backtest went around one market event: the margin just before it, its peak, and the breaches.
import type { BacktestResult, Breach } from './backtest.js';
import type { TimedValue } from './backtestMetrics.js';

/** A backtest seen over one window [from, to] (epoch ms); amounts in the reporting currency. */
export interface EventSummary {
  from: number;
  to: number;
  /** Margin and range at the last tested bar before `from`. */
  before: { time: number; price: number; margin: number; range: number } | null;
  /** Highest margin in the window. */
  peak: TimedValue | null;
  /** Highest range in the window (fraction of the price). */
  peakRange: TimedValue | null;
  /** Peak margin / margin before; null without a positive margin before. */
  peakToBefore: number | null;
  /** Lowest close in the window against the close before, a fraction (-0.4 = 40% lower). */
  priceMove: number | null;
  /** Largest realised loss from a bar in the window, with that bar's price and margin. */
  largestLoss: { time: number; price: number; loss: number; margin: number } | null;
  breaches: Breach[];
}

/** Returns the event summary of a backtest over [from, to] (bars whose time lies in it). */
export function eventSummary(result: BacktestResult, from: number, to: number): EventSummary {
  const s = result.series;
  let beforeIndex = -1;
  let peak: TimedValue | null = null;
  let peakRange: TimedValue | null = null;
  let lowest = Infinity;
  let largestLoss: EventSummary['largestLoss'] = null;
  for (let i = 0; i < s.times.length; i++) {
    const t = s.times[i]!;
    if (t < from) {
      beforeIndex = i;
      continue;
    }
    if (t > to) break;
    const margin = s.margins[i]!;
    if (peak === null || margin > peak.value) peak = { time: t, value: margin };
    if (peakRange === null || s.ranges[i]! > peakRange.value) peakRange = { time: t, value: s.ranges[i]! };
    lowest = Math.min(lowest, s.prices[i]!);
    if (s.observed[i] === 1 && (largestLoss === null || s.losses[i]! > largestLoss.loss))
      largestLoss = { time: t, price: s.prices[i]!, loss: s.losses[i]!, margin };
  }
  const before =
    beforeIndex < 0
      ? null
      : {
          time: s.times[beforeIndex]!,
          price: s.prices[beforeIndex]!,
          margin: s.margins[beforeIndex]!,
          range: s.ranges[beforeIndex]!,
        };
  return {
    from,
    to,
    before,
    peak,
    peakRange,
    peakToBefore: before !== null && before.margin > 0 && peak !== null ? peak.value / before.margin : null,
    priceMove: before !== null && Number.isFinite(lowest) ? lowest / before.price - 1 : null,
    largestLoss,
    breaches: result.breaches.filter((b) => b.time >= from && b.time <= to),
  };
}
