// SPAN's delta-based spreading after the scan. Intra-commodity (calendar) spreads: opposite net deltas in two
// tiers of one combined commodity form spreads, each charged a fixed amount (the basis risk the scan, which
// moves every expiry alike, does not see). Inter-commodity spreads: opposite net deltas in related combined
// commodities form spreads at their delta ratios, and each leg is credited the rate times its weighted price
// risk per delta spread. Spreads are formed in the order given (SPAN's priority) and consume the deltas they
// use. Worked examples: CME Group, "Spread Calculations" (cmegroup.com/clearing/margins/spread-calc.html).
import type { SpanInterSpread, SpanIntraSpread } from './parameters.js';

/** The intra-commodity charge and the tier deltas left after spreading. */
export interface IntraResult {
  charge: number;
  spreads: number;
  remaining: Map<number, number>;
}

/** Returns the number of spreads two opposite deltas form at their ratios, or 0 when their signs agree. */
function spreadCount(a: number, ratioA: number, b: number, ratioB: number): number {
  if (a === 0 || b === 0 || Math.sign(a) === Math.sign(b)) return 0;
  return Math.min(Math.abs(a) / ratioA, Math.abs(b) / ratioB);
}

/** Returns `delta` moved toward zero by `used` (never past it). */
const consume = (delta: number, used: number): number =>
  Math.sign(delta) * Math.max(0, Math.abs(delta) - used);

/** Returns the intra-commodity spread charge of a commodity's tier deltas. */
export function intraCommodityCharge(
  tierDeltas: ReadonlyMap<number, number>,
  spreads: readonly SpanIntraSpread[],
): IntraResult {
  const remaining = new Map(tierDeltas);
  let charge = 0;
  let formed = 0;
  for (const s of spreads) {
    const a = remaining.get(s.tierA) ?? 0;
    const b = remaining.get(s.tierB) ?? 0;
    const n = spreadCount(a, s.ratioA, b, s.ratioB);
    if (n === 0) continue;
    remaining.set(s.tierA, consume(a, n * s.ratioA));
    remaining.set(s.tierB, consume(b, n * s.ratioB));
    charge += n * s.chargePerSpread;
    formed += n;
  }
  return { charge, spreads: formed, remaining };
}

/** What one commodity brings to inter-commodity spreading. */
export interface InterInput {
  netDelta: number;
  /** Weighted price risk per unit of delta. */
  weightedPriceRisk: number;
}

/** One spread's outcome, for explain. */
export interface InterSpreadOutcome {
  index: number;
  spreads: number;
  credits: Map<string, number>;
}

/** Returns the number of spreads a definition forms on the remaining deltas (0 when the sides do not oppose). */
function interCount(spread: SpanInterSpread, remaining: ReadonlyMap<string, number>): number {
  const sideSign = (side: 'A' | 'B'): number[] =>
    spread.legs.filter((l) => l.side === side).map((l) => Math.sign(remaining.get(l.commodity) ?? 0));
  const a = sideSign('A');
  const b = sideSign('B');
  const opposite =
    a.length > 0 && b.length > 0 && a.every((s) => s !== 0 && s === a[0]) && b.every((s) => s === -a[0]!);
  if (!opposite) return 0;
  return Math.min(...spread.legs.map((l) => Math.abs(remaining.get(l.commodity) ?? 0) / l.deltaPerSpread));
}

/** Returns each commodity's inter-commodity credit (positive amounts) and each spread's outcome. */
export function interCommodityCredits(
  inputs: ReadonlyMap<string, InterInput>,
  spreads: readonly SpanInterSpread[],
): { credits: Map<string, number>; outcomes: InterSpreadOutcome[] } {
  const remaining = new Map([...inputs].map(([id, i]) => [id, i.netDelta]));
  const credits = new Map<string, number>();
  const outcomes: InterSpreadOutcome[] = [];
  spreads.forEach((spread, index) => {
    const n = interCount(spread, remaining);
    if (n === 0) return;
    const mine = new Map<string, number>();
    for (const leg of spread.legs) {
      const used = n * leg.deltaPerSpread;
      remaining.set(leg.commodity, consume(remaining.get(leg.commodity) ?? 0, used));
      const credit = spread.rate * used * (inputs.get(leg.commodity)?.weightedPriceRisk ?? 0);
      mine.set(leg.commodity, (mine.get(leg.commodity) ?? 0) + credit);
      credits.set(leg.commodity, (credits.get(leg.commodity) ?? 0) + credit);
    }
    outcomes.push({ index, spreads: n, credits: mine });
  });
  return { credits, outcomes };
}
