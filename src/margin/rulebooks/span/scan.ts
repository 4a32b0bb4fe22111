// SPAN scanning of one combined commodity: the portfolio's risk array is the sum of quantity x the contract
// arrays (SPAN sign: losses positive); the scan risk is its largest loss. SPAN splits it for spreading:
//   time risk   = average loss of the two price-unchanged scenarios (1 and 2);
//   price risk  = average loss of the scan scenario and its pair (same price move, other vol) - time risk;
//   vol risk    = scan risk - price risk - time risk;
// and the weighted price risk (per delta of net exposure) prices the deltas that inter-commodity spreads
// offset. Sources: CME's SPAN presentation (2010) and the CME SPAN report pages on weighted price risk
// (cmegroupclientsite.atlassian.net/wiki/spaces/pubspan, "Combined Commodities").
import type { SpanCommodity } from './parameters.js';
import { pairedScenario, SPAN_SCENARIO_COUNT } from './scenarios.js';

/** One position as SPAN sees it: quantity, its contract's array and delta, and what the SOM and NOV need. */
export interface SpanLeg {
  instrument: string;
  quantity: number;
  /** Per contract, reporting currency, losses positive. */
  riskArray: readonly number[];
  compositeDelta: number;
  tier: number;
  optionType: 'call' | 'put' | undefined;
  /** Value of one contract in the reporting currency (options; 0 for futures). */
  value: number;
}

/** The scanning result of one combined commodity. */
export interface CommodityScan {
  vector: Float64Array;
  scanRisk: number;
  /** Index (0-based) of the scan scenario, or -1 when no scenario loses. */
  worst: number;
  timeRisk: number;
  priceRisk: number;
  volatilityRisk: number;
  netDelta: number;
  /** Net delta per tier. */
  tierDeltas: Map<number, number>;
  shortCalls: number;
  shortPuts: number;
  /** Net option value: long option value less short option value. */
  netOptionValue: number;
  onlyLongOptions: boolean;
}

/** Returns the scan of a commodity's legs. */
export function scanCommodity(legs: readonly SpanLeg[]): CommodityScan {
  const vector = new Float64Array(SPAN_SCENARIO_COUNT);
  const tierDeltas = new Map<number, number>();
  let shortCalls = 0;
  let shortPuts = 0;
  let netOptionValue = 0;
  for (const leg of legs) {
    for (let k = 0; k < SPAN_SCENARIO_COUNT; k++) vector[k]! += leg.quantity * (leg.riskArray[k] ?? 0);
    tierDeltas.set(leg.tier, (tierDeltas.get(leg.tier) ?? 0) + leg.quantity * leg.compositeDelta);
    if (leg.optionType !== undefined) {
      netOptionValue += leg.quantity * leg.value;
      if (leg.quantity < 0 && leg.optionType === 'call') shortCalls -= leg.quantity;
      if (leg.quantity < 0 && leg.optionType === 'put') shortPuts -= leg.quantity;
    }
  }
  let worst = -1;
  for (let k = 0; k < SPAN_SCENARIO_COUNT; k++) if (vector[k]! > (worst < 0 ? 0 : vector[worst]!)) worst = k;
  const scanRisk = worst < 0 ? 0 : vector[worst]!;
  const timeRisk = (vector[0]! + vector[1]!) / 2;
  const pair = worst < 0 ? -1 : pairedScenario(worst);
  const priceRisk = worst < 0 ? 0 : Math.max(0, (vector[worst]! + vector[pair]!) / 2 - timeRisk);
  return {
    vector,
    scanRisk,
    worst,
    timeRisk,
    priceRisk,
    volatilityRisk: scanRisk - priceRisk - timeRisk,
    netDelta: [...tierDeltas.values()].reduce((a, d) => a + d, 0),
    tierDeltas,
    shortCalls,
    shortPuts,
    netOptionValue,
    onlyLongOptions: legs.length > 0 && legs.every((l) => l.optionType !== undefined && l.quantity > 0),
  };
}

/** Returns the weighted price risk: price risk per unit of net delta, capped at the scan range per delta if asked. */
export function weightedPriceRisk(scan: CommodityScan, commodity: SpanCommodity): number {
  const delta = Math.abs(scan.netDelta);
  if (delta === 0) return 0;
  const perDelta = scan.priceRisk / delta;
  if (commodity.weightedPriceRisk === 'scanRangeCap' && commodity.scanRangePerDelta !== undefined)
    return Math.min(perDelta, commodity.scanRangePerDelta);
  return perDelta;
}
