// Bybit portfolio margin of one risk unit: the USDT, USDC and inverse derivatives of one underlying, with the spot
// that hedges them when spot hedging is on, stress-tested together in the reporting currency. The scenarios move the
// project's market view (view.shifted) and value each position with unitPnl (unitWorstLoss, shared with OKX), so options are priced by the one
// Black-76 path with their smiles and marks. Risk units and the spot in use are those of the OKX portfolio rulebook
// (riskUnits, spotInUse): both venues group by underlying and let spot offset only a short derivatives delta.
//   risk unit MM = maximum loss + contingency component (Bybit's two terms)
//   contingency  = perpetual and futures + short options + vega spread + delta spread + USDT-USDC spread
import type { ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { deltaOneNotional } from '../standard.js';
import { positionDelta } from './deribitPortfolioVectors.js';
import { spotInUse, unitWorstLoss, type RiskUnit, type Scenario } from './okxPortfolioRisk.js';
import type { BybitPortfolioParameters, BybitUnitParameters } from './bybitPortfolioParameters.js';

/** A scenario's price move and vol state, where the maximum loss was found. */
export type BybitScenario = Scenario;

/** The five contingency charges of a risk unit (reporting currency, never below 0). */
export interface BybitContingencies {
  perpetualFutures: number;
  shortOptions: number;
  vegaSpread: number;
  deltaSpread: number;
  stablecoinSpread: number;
}

/** One risk unit's figures in the reporting currency. */
export interface BybitUnitRisk {
  underlying: string;
  /** Net delta of the derivatives in coins, and the spot that offsets it. */
  delta: number;
  spotInUse: number;
  maximumLoss: number;
  scenario: BybitScenario;
  /** Scenarios evaluated (price points x 3 vol states). */
  scenarios: number;
  contingencies: BybitContingencies;
  /** Sum of the contingencies: Bybit's "contingency component". */
  contingency: number;
  /** Maximum loss + contingency component. */
  mm: number;
}

const DAY = 1 / 365;

/** Returns Bybit's risk unit MM: maximum loss + contingency component. */
export function bybitUnitMaintenance(maximumLoss: number, contingencies: BybitContingencies): number {
  const c = contingencies;
  return (
    maximumLoss + c.perpetualFutures + c.shortOptions + c.vegaSpread + c.deltaSpread + c.stablecoinSpread
  );
}

/** Returns the stress test's price moves: 0 and ±range x k / steps for k = 1..steps. */
export function bybitPriceMoves(u: BybitUnitParameters): number[] {
  return Array.from(
    { length: 2 * u.priceSteps + 1 },
    (_v, k) => (u.priceRange * (k - u.priceSteps)) / u.priceSteps,
  );
}

/** Returns a position's size in coins (signed): contracts x size, inverse contracts at their mark. */
function coins(p: ResolvedPosition, view: MarketView): number {
  if (p.instrument.kind === 'option') return p.quantity * p.instrument.contractSize;
  return Math.sign(p.quantity) * deltaOneNotional(p, view).size;
}

/** Returns the part of signed amounts dated in days that offsets across dates, and the days between the two sides. */
export function calendarHedge(items: readonly { days: number; amount: number }[]): {
  hedged: number;
  days: number;
} {
  const net = new Map<number, number>();
  for (const x of items) net.set(x.days, (net.get(x.days) ?? 0) + x.amount);
  let long = 0;
  let short = 0;
  let longDays = 0;
  let shortDays = 0;
  for (const [days, amount] of net) {
    if (amount > 0) {
      long += amount;
      longDays += amount * days;
    } else if (amount < 0) {
      short -= amount;
      shortDays -= amount * days;
    }
  }
  if (long === 0 || short === 0) return { hedged: 0, days: 0 };
  return { hedged: Math.min(long, short), days: Math.abs(longDays / long - shortDays / short) };
}

/** Returns the delta hedged across settlement assets: positive group nets against negative group nets. */
export function crossGroupHedge(groups: ReadonlyMap<string, number>): number {
  let long = 0;
  let short = 0;
  for (const net of groups.values()) {
    if (net > 0) long += net;
    else short -= net;
  }
  return Math.min(long, short);
}

/** Returns the five contingency charges of a risk unit (reporting currency). */
function contingencies(
  unit: RiskUnit,
  spot: number,
  view: MarketView,
  p: BybitPortfolioParameters,
): BybitContingencies {
  const index = view.price(unit.underlying);
  const days = (expiry: number): number => view.timeToExpiry(expiry) / DAY;
  let gross = 0;
  let optionCoins = 0;
  const optionItems: { days: number; amount: number }[] = [];
  const deltaItems: { days: number; amount: number }[] = [{ days: 0, amount: spot }];
  const groups = new Map<string, number>();
  for (const x of unit.positions) {
    const i = x.instrument;
    const size = coins(x, view);
    const settle = i.settlement === 'inverse' ? i.underlying : i.quote;
    groups.set(settle, (groups.get(settle) ?? 0) + positionDelta(x, view));
    if (i.kind === 'option') {
      optionCoins += size;
      optionItems.push({ days: days(i.expiry), amount: size });
    } else {
      gross += Math.abs(size);
      deltaItems.push({ days: i.kind === 'future' ? days(i.expiry) : 0, amount: size });
    }
  }
  const vega = calendarHedge(optionItems);
  const delta = calendarHedge(deltaItems);
  return {
    perpetualFutures: gross * index * p.deltaOneContingencyRate,
    shortOptions: Math.max(0, -optionCoins) * index * p.shortOptionContingencyRate,
    vegaSpread: vega.days * vega.hedged * p.vegaSpreadFactor * index,
    deltaSpread: delta.hedged * index * p.deltaSpreadRate * delta.days * DAY,
    stablecoinSpread: groups.size > 1 ? crossGroupHedge(groups) * index * p.stablecoinSpreadRate : 0,
  };
}

/** Returns one risk unit's maximum loss, contingencies and MM in the reporting currency. */
export function bybitUnitRisk(
  unit: RiskUnit,
  view: MarketView,
  p: BybitPortfolioParameters,
  u: BybitUnitParameters,
): BybitUnitRisk {
  const delta = unit.positions.reduce((a, x) => a + positionDelta(x, view), 0);
  const spot = p.spotHedging ? spotInUse(delta, unit.held) : 0;
  const moves = bybitPriceMoves(u);
  const worst = unitWorstLoss(unit, spot, view, moves, p);
  const c = contingencies(unit, spot, view, p);
  const contingency = bybitUnitMaintenance(0, c);
  return {
    underlying: unit.underlying,
    delta,
    spotInUse: spot,
    maximumLoss: worst.loss,
    scenario: worst.scenario,
    scenarios: moves.length * 3,
    contingencies: c,
    contingency,
    mm: worst.loss + contingency,
  };
}
