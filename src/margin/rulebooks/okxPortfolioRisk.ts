// OKX portfolio margin of one risk unit: every perpetual, future and option of one underlying, whatever its margin
// currency, with the spot that hedges them ("spot in use"), stress-tested together in USD. The scenarios move the
// project's market view (view.shifted) and value each position with unitPnl, so options are priced by the one
// Black-76 path with their smiles and marks; only time decay (MR2) and the rate shock (MR5), which a shifted view
// cannot express, revalue options with black76Price directly.
//   derivatives MR = max(MR1, MR2, MR6) + MR3 + MR4 + MR5 (+ MR9, not modelled)
//   risk unit MMR  = max(derivatives MR, MR7 adjusted)
import type { OptionInstrument, ResolvedPosition } from '../../core/index.js';
import { black76Price } from '../../pricing/index.js';
import { unitPnl, type AssetShift, type MarketView } from '../../scenarios/index.js';
import { deltaOneNotional } from '../standard.js';
import { positionDelta } from './deribitPortfolioVectors.js';
import {
  adjustedMinimumCharge,
  type OkxPortfolioParameters,
  type OkxUnitParameters,
  type MinimumChargeTier,
} from './okxPortfolioParameters.js';

/** The positions of one underlying and the coins held of it (spot and balances, net of loans). */
export interface RiskUnit {
  underlying: string;
  positions: ResolvedPosition[];
  held: number;
}

/** A scenario's price move and vol state, where a component's worst case was found. */
export interface Scenario {
  move: number;
  vol: 'up' | 'same' | 'down';
}

/** One risk unit's components in the reporting currency (losses positive, never below 0). */
export interface UnitRisk {
  underlying: string;
  /** Net delta of the derivatives in coins, and the spot that offsets it. */
  delta: number;
  spotInUse: number;
  mr1: number;
  mr1Scenario: Scenario;
  mr2: number;
  mr3: number;
  mr4: number;
  mr5: number;
  mr6: number;
  mr6Scenario: Scenario;
  mr7Raw: number;
  mr7: number;
  /** max(MR1, MR2, MR6) + MR3 + MR4 + MR5. */
  derivatives: number;
  /** max(derivatives, MR7): the unit's MMR. */
  mmr: number;
}

const DAY = 1 / 365;

/** The vol states and vega term scaling of a portfolio stress test (OKX's and Bybit's parameters both hold them). */
export interface VolStates {
  volUp: number;
  volDown: number;
  shortTermVegaPower: number;
  longTermVegaPower: number;
}

function vegaScale(p: VolStates): (t: number) => number {
  return (t) => {
    const days = Math.max(t / DAY, 1 / 24);
    return (30 / days) ** (days < 30 ? p.shortTermVegaPower : p.longTermVegaPower);
  };
}

function shift(factor: number, volShock: number, volScale: (t: number) => number): AssetShift {
  return { factor, volShock, volShift: 0, volFloor: 0, volScale };
}

/** Returns the unit's P&L (reporting currency) from `base` to `moved`: positions and the spot in use. */
function scenarioPnl(unit: RiskUnit, spotInUse: number, base: MarketView, moved: MarketView): number {
  let pnl = spotInUse * (moved.price(unit.underlying) - base.price(unit.underlying));
  for (const p of unit.positions) pnl += p.quantity * unitPnl(p.instrument, base, moved);
  return pnl;
}

/**
 * Returns a risk unit's worst loss (>= 0) over price moves x vol up, same and down, and where it was found: the
 * stress test of the OKX (MR1, MR6) and Bybit (maximum loss) portfolio rulebooks.
 */
export function unitWorstLoss(
  unit: RiskUnit,
  spotInUse: number,
  view: MarketView,
  moves: readonly number[],
  p: VolStates,
): { loss: number; scenario: Scenario } {
  const scale = vegaScale(p);
  const states = [
    ['up', p.volUp],
    ['same', 0],
    ['down', -p.volDown],
  ] as const;
  let worst = { loss: 0, scenario: { move: 0, vol: 'same' } as Scenario };
  for (const move of moves)
    for (const [vol, shock] of states) {
      const moved = view.shifted(new Map([[unit.underlying, shift(1 + move, shock, scale)]]));
      const loss = -scenarioPnl(unit, spotInUse, view, moved);
      if (loss > worst.loss) worst = { loss, scenario: { move, vol } };
    }
  return worst;
}

/** Returns an option's value per contract in the reporting currency, `days` later and at `rate + dr`. */
function optionValue(o: OptionInstrument, view: MarketView, days: number, dr: number): number {
  const forward = view.forward(o);
  const price = black76Price({
    forward,
    strike: o.strike,
    vol: view.vol(o),
    timeToExpiry: Math.max(0, view.timeToExpiry(o.expiry) - days * DAY),
    rate: (view.market.rates[o.quote] ?? 0) + dr,
    optionType: o.optionType,
  });
  const settle = o.settlement === 'inverse' ? o.underlying : o.quote;
  return o.contractSize * (o.settlement === 'inverse' ? price / forward : price) * view.price(settle);
}

/** Returns the loss (>= 0) of the options when `days` pass and the rate moves by `dr` (reporting currency). */
function optionRevaluationLoss(unit: RiskUnit, view: MarketView, days: number, dr: number): number {
  let pnl = 0;
  for (const p of unit.positions) {
    const i = p.instrument;
    if (i.kind !== 'option') continue;
    pnl += p.quantity * (optionValue(i, view, days, dr) - optionValue(i, view, 0, 0));
  }
  return Math.max(0, -pnl);
}

/** MR3: the worst of the two twists of the vol term structure (near expiries against far ones), price unchanged. */
function termStructureLoss(unit: RiskUnit, view: MarketView, p: OkxPortfolioParameters): number {
  const near = (t: number): number => (t / DAY < p.termPivotDays ? 1 : -1);
  let worst = 0;
  for (const sign of [1, -1]) {
    const moved = view.shifted(new Map([[unit.underlying, shift(1, sign * p.termShock, near)]]));
    worst = Math.max(worst, -scenarioPnl(unit, 0, view, moved));
  }
  return worst;
}

/** MR4: every future's price moved against the index by ± annualized move risk x years to expiry; the worse side. */
function basisLoss(unit: RiskUnit, view: MarketView, risk: number): number {
  let up = 0;
  let down = 0;
  for (const p of unit.positions) {
    const i = p.instrument;
    if (i.kind !== 'future') continue;
    const x = risk * view.timeToExpiry(i.expiry);
    const mark = view.deltaOneMark(i);
    const units = p.quantity * i.contractSize;
    const pnl = (m: number): number =>
      i.settlement === 'inverse'
        ? units * (1 / mark - 1 / (mark * (1 + m))) * view.price(i.underlying)
        : units * mark * m * view.price(i.quote);
    up += pnl(x);
    down += pnl(-x);
  }
  return Math.max(0, -up, -down);
}

/** MR7 raw: the cost of reducing every position, a rate on its USD notional (options: on their delta). */
function reductionCost(unit: RiskUnit, view: MarketView, rate: number): number {
  let notional = 0;
  for (const p of unit.positions) {
    if (p.instrument.kind === 'option')
      notional += Math.abs(positionDelta(p, view)) * view.price(unit.underlying);
    else {
      const n = deltaOneNotional(p, view);
      notional += n.notional * n.toReporting;
    }
  }
  return notional * rate;
}

/** Returns the spot in use: the coins held that offset a short derivatives delta (OKX: spot only hedges). */
export function spotInUse(delta: number, held: number): number {
  return delta < 0 && held > 0 ? Math.min(held, -delta) : 0;
}

/**
 * Returns OKX's combination of a risk unit's components: derivatives MR = max(MR1, MR2, MR6) + MR3 + MR4 + MR5 (MR9
 * is not modelled) and MMR = max(derivatives MR, MR7 adjusted).
 */
export function combineUnit(mr: {
  mr1: number;
  mr2: number;
  mr3: number;
  mr4: number;
  mr5: number;
  mr6: number;
  mr7: number;
}): { derivatives: number; mmr: number } {
  const derivatives = Math.max(mr.mr1, mr.mr2, mr.mr6) + mr.mr3 + mr.mr4 + mr.mr5;
  return { derivatives, mmr: Math.max(derivatives, mr.mr7) };
}

/** Returns one risk unit's MR1-MR7 and MMR in the reporting currency. */
export function unitRisk(
  unit: RiskUnit,
  view: MarketView,
  p: OkxPortfolioParameters,
  u: OkxUnitParameters & { minimumChargeTiers: MinimumChargeTier[] },
): UnitRisk {
  const delta = unit.positions.reduce((a, x) => a + positionDelta(x, view), 0);
  const spot = spotInUse(delta, unit.held);
  const moves = Array.from(
    { length: 2 * u.priceSteps + 1 },
    (_v, k) => (u.priceMove * (k - u.priceSteps)) / u.priceSteps,
  );
  const mr1 = unitWorstLoss(unit, spot, view, moves, p);
  const extreme = unitWorstLoss(unit, spot, view, [-u.extremeMove, u.extremeMove], p);
  const mr2 = optionRevaluationLoss(unit, view, p.thetaDays, 0);
  const mr3 = termStructureLoss(unit, view, p);
  const mr4 = basisLoss(unit, view, u.annualizedMoveRisk);
  const mr5 = Math.max(
    optionRevaluationLoss(unit, view, 0, p.rateShock),
    optionRevaluationLoss(unit, view, 0, -p.rateShock),
  );
  const mr6 = p.extremeCover * extreme.loss;
  const mr7Raw = reductionCost(unit, view, p.reductionCostRate);
  const mr7 = adjustedMinimumCharge(mr7Raw, u.minimumChargeTiers);
  const { derivatives, mmr } = combineUnit({ mr1: mr1.loss, mr2, mr3, mr4, mr5, mr6, mr7 });
  return {
    underlying: unit.underlying,
    delta,
    spotInUse: spot,
    mr1: mr1.loss,
    mr1Scenario: mr1.scenario,
    mr2,
    mr3,
    mr4,
    mr5,
    mr6,
    mr6Scenario: extreme.scenario,
    mr7Raw,
    mr7,
    derivatives,
    mmr,
  };
}
