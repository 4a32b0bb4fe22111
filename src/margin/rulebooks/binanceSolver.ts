// The margin cushion (margin balance minus maintenance margin) of a bracket-margined account as a function of one
// variable t: the price factor of the moved underlying for linear contracts, its inverse for coin-margined ones.
// Between two bracket boundaries every term is linear in t, so Binance's published liquidation formula is the
// root of one linear piece, re-solved with the bracket found at the root ("if the position at the liquidation price
// falls in another bracket, substitute that bracket's MMR and cum and recalculate"). Solving piece by piece gives
// the same number without iterating, also when several positions change bracket. Bybit's rulebooks use it too.
import type { Bracket } from '../../core/index.js';
import { bracketIndex, bracketMargin, maintenanceAmounts } from '../brackets.js';

/** A position's maintenance margin as a term of the cushion: notional n(t) = alpha + beta·t in the table currency. */
export interface CushionLeg {
  alpha: number;
  beta: number;
  brackets: readonly Bracket[];
  /** Value of one unit of the table currency in cushion units (quote price for linear, 1 for coin). */
  scale: number;
}

/** Cushion(t) = constant + slope·t − Σ scale·MM(alpha + beta·t), in one unit (reporting currency or coin). */
export interface Cushion {
  constant: number;
  slope: number;
  legs: readonly CushionLeg[];
}

/** The nearest roots of a cushion on each side of t0; `now` when the cushion is already not positive. */
export interface CushionRoots {
  now: boolean;
  below: number | undefined;
  above: number | undefined;
}

const notionalAt = (leg: CushionLeg, t: number): number => Math.max(0, leg.alpha + leg.beta * t);

/** Returns the cushion at t, in the cushion's unit. */
export function cushionValue(c: Cushion, t: number): number {
  let v = c.constant + c.slope * t;
  for (const leg of c.legs) v -= leg.scale * bracketMargin(leg.brackets, notionalAt(leg, t), undefined).mm;
  return v;
}

/** Returns the index of the bracket a leg's notional falls in at t. */
export function legBracket(leg: CushionLeg, t: number): number {
  return bracketIndex(leg.brackets, notionalAt(leg, t));
}

// Where t may go: t > 0 and no notional negative (a beta-moved mark cannot cross zero).
function domain(c: Cushion): { lo: number; hi: number } {
  let lo = 0;
  let hi = Infinity;
  for (const leg of c.legs) {
    if (leg.beta === 0) continue;
    const zero = -leg.alpha / leg.beta;
    if (leg.beta > 0) lo = Math.max(lo, zero);
    else hi = Math.min(hi, zero);
  }
  return { lo, hi };
}

// Notionals where a leg's maintenance margin bends: every bracket cap, and where a given maintenance amount that
// does not follow the chain would take notional × MMR − cum below zero (the margin is floored at zero there).
function kinks(brackets: readonly Bracket[]): number[] {
  const amounts = maintenanceAmounts(brackets);
  const out: number[] = [];
  brackets.forEach((b, i) => {
    if (b.notionalCap !== undefined) out.push(b.notionalCap);
    const cum = amounts[i] ?? 0;
    if (cum > 0 && b.mmRate > 0) out.push(cum / b.mmRate);
  });
  return out;
}

function breakpoints(c: Cushion, lo: number, hi: number): number[] {
  const out = new Set<number>();
  for (const leg of c.legs) {
    if (leg.beta === 0) continue;
    for (const n of kinks(leg.brackets)) {
      const t = (n - leg.alpha) / leg.beta;
      if (t > lo && t < hi && Number.isFinite(t)) out.add(t);
    }
  }
  return [...out].sort((a, b) => a - b);
}

// First crossing along the points, each piece between two points being linear.
function firstCrossing(c: Cushion, points: readonly number[]): number | undefined {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const ca = cushionValue(c, a);
    const cb = cushionValue(c, b);
    if (cb <= 0) return ca === cb ? b : a - (ca * (b - a)) / (cb - ca);
  }
  return undefined;
}

/** Returns the nearest t below and above t0 at which the cushion reaches zero (t > 0). */
export function cushionRoots(c: Cushion, t0: number): CushionRoots {
  if (cushionValue(c, t0) <= 0) return { now: true, below: undefined, above: undefined };
  const { lo, hi } = domain(c);
  const cuts = breakpoints(c, lo, hi);
  const down = [t0, ...cuts.filter((t) => t < t0).reverse(), lo];
  const below = firstCrossing(c, down);
  const upCuts = cuts.filter((t) => t > t0);
  let above: number | undefined;
  if (Number.isFinite(hi)) above = firstCrossing(c, [t0, ...upCuts, hi]);
  else {
    above = firstCrossing(c, [t0, ...upCuts]);
    const last = upCuts[upCuts.length - 1] ?? t0;
    if (above === undefined) {
      // Past the last boundary the cushion is one line: it crosses zero only if it falls.
      const far = 2 * last + 1;
      const v1 = cushionValue(c, last);
      const slope = (cushionValue(c, far) - v1) / (far - last);
      if (slope < 0) above = last - v1 / slope;
    }
  }
  return {
    now: false,
    below: below !== undefined && below > 0 ? below : undefined,
    above: above !== undefined && Number.isFinite(above) ? above : undefined,
  };
}
