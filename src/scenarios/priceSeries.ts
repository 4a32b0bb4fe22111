// A price history as the volatility paths and the margin backtest read it: closes through time. The CSV
// reader (src/cli/prices.ts) produces it; nothing here reads files.
import { InputError, type InputIssue } from '../core/index.js';

/** Closing prices of one underlying through time, oldest first. */
export interface PriceSeries {
  /** Bar times in epoch milliseconds, strictly increasing. */
  times: readonly number[];
  /** Closing prices in the quote currency, each > 0. */
  closes: readonly number[];
  /** Bar length in hours: the most common spacing of the times (gaps in the data do not change it). */
  intervalHours: number;
  /** Where the prices came from (a file name), for messages and reports. */
  source?: string;
}

const HOUR = 3_600_000;

/** Returns the bar length in hours: the median spacing of consecutive times (robust to outage gaps). */
export function medianIntervalHours(times: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  if (gaps.length === 0) throw new RangeError('need at least 2 times for a bar length');
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]! / HOUR;
}

/** Returns nothing; throws InputError when the series is not usable (lengths, order, positive finite closes). */
export function checkPriceSeries(series: PriceSeries, path = 'prices'): void {
  const issues: InputIssue[] = [];
  const { times, closes } = series;
  if (times.length !== closes.length)
    issues.push({ path, message: `${times.length} times but ${closes.length} closes` });
  if (closes.length < 2) issues.push({ path, message: `need at least 2 bars, got ${closes.length}` });
  if (!(series.intervalHours > 0 && Number.isFinite(series.intervalHours)))
    issues.push({ path: `${path}.intervalHours`, message: 'must be a positive number' });
  for (let i = 0; i < closes.length && issues.length < 20; i++) {
    const c = closes[i]!;
    if (!(c > 0 && Number.isFinite(c)))
      issues.push({ path: `${path}.closes[${i}]`, message: `must be a positive number, got ${c}` });
    if (i > 0 && !(times[i]! > times[i - 1]!))
      issues.push({ path: `${path}.times[${i}]`, message: 'times must be strictly increasing' });
  }
  if (issues.length > 0) throw new InputError(issues);
}
