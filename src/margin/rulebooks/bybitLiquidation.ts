// Bybit's isolated liquidation and bankruptcy prices as its help centre publishes them ("Liquidation Price
// Calculation under Isolated Mode (Unified Trading Account)", 2024-09-10; "Liquidation Price (USDT Contract)";
// "Bankruptcy Price (USDT Contract)"). The maintenance margin of the formula is taken at the entry value
// (position value = size × entry price), as Bybit states it; the position margin is the initial margin plus any
// margin added, so adding margin moves the liquidation price away by (added margin / size). Cross positions use
// the cross cushion shared with Binance (equity = maintenance margin, each underlying moved alone).
import type { ResolvedAccount } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { bracketMargin } from '../brackets.js';
import type { VenueLiquidation } from './types.js';
import { tierImRate, type BracketRulebookSpec } from './binanceMargin.js';
import {
  entriesOf,
  inverseCrossCushion,
  linearCrossCushion,
  liquidationLegs,
  type LiquidationLeg,
} from './binanceLiquidation.js';
import { chosenLeverage, parseRulebookParameters, rulebookPath } from './binanceParameters.js';
import { bybitFeeToClose, bybitInverseCross } from './bybitFees.js';

/** Inputs of Bybit's isolated formulas. */
export interface BybitIsolatedInputs {
  side: 1 | -1;
  /** Linear: position size in coins. Inverse: contract quantity in USD. */
  size: number;
  entryPrice: number;
  /** Initial margin plus margin added (quote for linear, coin for inverse). */
  positionMargin: number;
  mmRate: number;
  /** Maintenance margin deduction of the tier (quote for linear, coin for inverse). */
  mmDeduction: number;
}

/** Liquidation and bankruptcy prices (quote per coin), null where none exists; MM at entry in margin currency. */
export interface BybitIsolatedPrices {
  liquidation: number | null;
  bankruptcy: number | null;
  maintenanceMargin: number;
}

const positiveOrNull = (x: number): number | null => (Number.isFinite(x) && x > 0 ? x : null);

/** Returns Bybit's isolated prices of a USDT (linear) position: EP ∓ (position margin − MM) / size. */
export function bybitLinearIsolated(x: BybitIsolatedInputs): BybitIsolatedPrices {
  const mm = x.size * x.entryPrice * x.mmRate - x.mmDeduction;
  return {
    liquidation: positiveOrNull(x.entryPrice - (x.side * (x.positionMargin - mm)) / x.size),
    bankruptcy: positiveOrNull(x.entryPrice - (x.side * x.positionMargin) / x.size),
    maintenanceMargin: mm,
  };
}

/** Returns Bybit's isolated prices of an inverse position: quantity / (position value ± (position margin − MM)). */
export function bybitInverseIsolated(x: BybitIsolatedInputs): BybitIsolatedPrices {
  const value = x.size / x.entryPrice;
  const mm = value * x.mmRate - x.mmDeduction;
  return {
    liquidation: positiveOrNull(x.size / (value + x.side * (x.positionMargin - mm))),
    bankruptcy: positiveOrNull(x.size / (value + x.side * x.positionMargin)),
    maintenanceMargin: mm,
  };
}

function isolatedEntry(
  spec: BracketRulebookSpec,
  leg: LiquidationLeg,
  leverage: number | undefined,
): VenueLiquidation {
  const inverse = spec.settlement === 'inverse';
  const size = Math.abs(leg.quantity) * leg.contractSize;
  const entryValue = inverse ? size / leg.entryPrice : size * leg.entryPrice;
  const tier = bracketMargin(leg.brackets, entryValue, leverage);
  const imRate = tierImRate(leg.brackets, tier.bracket, leverage);
  const inputs: BybitIsolatedInputs = {
    side: leg.quantity > 0 ? 1 : -1,
    size,
    entryPrice: leg.entryPrice,
    positionMargin: leg.position.isolatedMargin ?? entryValue * imRate,
    mmRate: tier.mmRate,
    mmDeduction: tier.maintenanceAmount,
  };
  const prices = inverse ? bybitInverseIsolated(inputs) : bybitLinearIsolated(inputs);
  return {
    underlying: leg.instrument.underlying,
    instrument: leg.instrument.id,
    mode: 'isolated',
    price: prices.liquidation,
    bankruptcyPrice: prices.bankruptcy,
    method: 'closed-form',
    detail: {
      rule: inverse
        ? 'Bybit isolated inverse: LP = quantity / (PV ± (position margin − MM)), MM at entry value'
        : 'Bybit isolated USDT: LP = EP ∓ (position margin − MM) / size, MM at entry value',
      positionValue: entryValue,
      positionMargin: inputs.positionMargin,
      initialMargin: entryValue * imRate,
      tier: tier.bracket + 1,
      mmRate: tier.mmRate,
      mmDeduction: tier.maintenanceAmount,
      maintenanceMargin: prices.maintenanceMargin,
    },
  };
}

const CROSS_RULE = 'Bybit cross: equity = maintenance margin (account MM rate 100%)';
const CROSS_FEE_RULE =
  'Bybit cross: equity = maintenance margin + estimated fees to close (account MM rate 100%)';
const INVERSE_FEE_RULE =
  'Bybit inverse cross: Q × (1/EP − 1/LP) = −(AB − OM − Q/EP × MMR − Q × fee / BP), MM at entry value';

/** Returns the fees to close of legs (cushion units: reporting currency for linear, coin for inverse). */
function feesOf(
  legs: readonly LiquidationLeg[],
  spec: BracketRulebookSpec,
  leverageOf: (l: LiquidationLeg) => number,
  feeRate: number,
): number {
  let total = 0;
  for (const leg of legs) {
    const side = leg.quantity > 0 ? 1 : -1;
    const size = Math.abs(leg.quantity) * leg.contractSize;
    const input = {
      settlement: spec.settlement,
      side,
      size,
      entryPrice: leg.entryPrice,
      leverage: leverageOf(leg),
      feeRate,
    } as const;
    total += bybitFeeToClose(input) * (spec.settlement === 'inverse' ? 1 : leg.quotePrice);
  }
  return total;
}

/** Returns Bybit's published inverse cross prices of the one position a coin wallet holds, fee to close counted. */
function inverseCrossWithFee(leg: LiquidationLeg, walletBalance: number, feeRate: number): VenueLiquidation {
  const quantity = Math.abs(leg.quantity) * leg.contractSize;
  const tier = bracketMargin(leg.brackets, quantity / leg.entryPrice, undefined);
  const x = {
    side: leg.quantity > 0 ? (1 as const) : (-1 as const),
    quantity,
    entryPrice: leg.entryPrice,
    balance: walletBalance,
    orderMargin: 0,
    mmRate: tier.mmRate,
    mmDeduction: tier.maintenanceAmount,
    feeRate,
  };
  const prices = bybitInverseCross(x);
  return {
    underlying: leg.instrument.underlying,
    instrument: leg.instrument.id,
    mode: 'cross',
    price: prices.liquidation,
    bankruptcyPrice: prices.bankruptcy,
    method: 'closed-form',
    detail: {
      rule: INVERSE_FEE_RULE,
      direction: x.side > 0 ? 'down' : 'up',
      accountBalance: walletBalance,
      tier: tier.bracket + 1,
      mmRate: tier.mmRate,
      mmDeduction: tier.maintenanceAmount,
      maintenanceMargin: prices.maintenanceMargin,
      takerFeeRate: feeRate,
      closingFee: prices.closingFee,
    },
  };
}

/** Returns Bybit's liquidation prices of an account: isolated positions by the published formulas, then cross. */
export function bybitLiquidation(
  spec: BracketRulebookSpec,
  account: ResolvedAccount,
  view: MarketView,
): VenueLiquidation[] {
  const rb = parseRulebookParameters(account.parameters, rulebookPath(account.id));
  const legs = liquidationLegs(spec, account, view, rb);
  const isolated = legs.filter((l) => l.position.isolatedMargin !== undefined);
  const out = isolated.map((leg) =>
    isolatedEntry(spec, leg, chosenLeverage(leg.position, rb, account.parameters, spec.defaultLeverage)),
  );
  const cross = legs.filter((l) => l.position.isolatedMargin === undefined);
  const feeRate = rb.closingFeeRate;
  const leverageOf = (l: LiquidationLeg): number => {
    const lev = chosenLeverage(l.position, rb, account.parameters, spec.defaultLeverage);
    const size = Math.abs(l.quantity) * l.contractSize;
    const notional = spec.settlement === 'inverse' ? size / l.mark : size * l.mark;
    const tier = bracketMargin(l.brackets, notional, lev);
    return 1 / tierImRate(l.brackets, tier.bracket, lev);
  };
  for (const u of [...new Set(cross.map((l) => l.instrument.underlying))].sort()) {
    const built =
      spec.settlement === 'inverse'
        ? inverseCrossCushion(u, legs, account)
        : linearCrossCushion(u, legs, account, view, rb);
    const only = built.moved.length === 1 && built.others.length === 0 ? built.moved[0] : undefined;
    if (feeRate === undefined) out.push(...entriesOf(built, u, 'cross', view, CROSS_RULE));
    else if (spec.settlement === 'inverse' && only !== undefined)
      out.push(inverseCrossWithFee(only, built.walletBalance, feeRate));
    else {
      // Several positions: Bybit publishes no closed form; the fees to close (constant in the price) join the
      // requirement, as the margin model counts them.
      const fees = feesOf([...built.moved, ...built.others], spec, leverageOf, feeRate);
      const cushion = { ...built.cushion, constant: built.cushion.constant - fees };
      out.push(...entriesOf({ ...built, cushion }, u, 'cross', view, CROSS_FEE_RULE));
    }
  }
  return out;
}
