import type { Bracket } from '../core/index.js';

/**
 * Returns each bracket's maintenance amount (Binance's `cum`): given ones are kept, missing ones follow the
 * chain cum_i = cum_{i-1} + floor_i * (mmRate_i - mmRate_{i-1}), floor_i being the previous cap, which makes the
 * maintenance margin N * mmRate - cum continuous at every boundary.
 */
export function maintenanceAmounts(brackets: readonly Bracket[]): number[] {
  const out: number[] = [];
  brackets.forEach((b, i) => {
    const prev = brackets[i - 1];
    const prevCum = out[i - 1] ?? 0;
    const derived = prev === undefined ? 0 : prevCum + (prev.notionalCap ?? 0) * (b.mmRate - prev.mmRate);
    out.push(b.maintenanceAmount ?? derived);
  });
  return out;
}

/** Returns the index of the bracket a notional falls in (notional <= cap), the last one past every cap. */
export function bracketIndex(brackets: readonly Bracket[], notional: number): number {
  const i = brackets.findIndex((b) => b.notionalCap === undefined || notional <= b.notionalCap);
  return i === -1 ? brackets.length - 1 : i;
}

/** Returns IM and MM of a notional under a bracket table, in the table's currency; leverage is capped by the bracket. */
export function bracketMargin(
  brackets: readonly Bracket[],
  notional: number,
  leverage: number | undefined,
): { im: number; mm: number; bracket: number; mmRate: number; leverage: number; maintenanceAmount: number } {
  const i = bracketIndex(brackets, notional);
  const b = brackets[i];
  if (b === undefined) throw new RangeError('brackets must not be empty');
  const cum = maintenanceAmounts(brackets)[i] ?? 0;
  const lev = Math.min(leverage ?? b.maxLeverage, b.maxLeverage);
  return {
    im: notional / lev,
    mm: Math.max(0, notional * b.mmRate - cum),
    bracket: i,
    mmRate: b.mmRate,
    leverage: lev,
    maintenanceAmount: cum,
  };
}
