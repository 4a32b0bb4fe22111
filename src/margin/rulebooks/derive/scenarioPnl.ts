// One scenario's P&L relative to mark (PMRMLib_2 getScenarioPnL): perp, each expiry (statically discounted),
// and the risk-cancelling collateral, all scaled by the scenario's dampening factor.
import { expiryShockedMtm, expirySkewedMtm } from './shockedValue.js';
import type {
  DeriveExpiryHoldings,
  DerivePmrmParameters,
  DerivePrecomputed,
  DeriveScenario,
} from './types.js';

/** Returns an expiry's value under a scenario, before static discounting (cash). */
export function expiryScenarioMtm(
  expiry: DeriveExpiryHoldings,
  scenario: DeriveScenario,
  params: DerivePmrmParameters,
): number {
  const { spotShock, volShock } = scenario;
  if (volShock === 'linear' || volShock === 'abs') return expirySkewedMtm(expiry, volShock, params.skewShock);
  // Unshocked and basis scenarios were priced during precomputation.
  if (volShock === 'none' && spotShock === 1) return expiry.mtm;
  if (volShock === 'none' && spotShock === params.basisContingency.scenarioSpotUp) return expiry.basisUpMtm;
  if (volShock === 'none' && spotShock === params.basisContingency.scenarioSpotDown)
    return expiry.basisDownMtm;
  return expiryShockedMtm(expiry, spotShock, volShock, params.volShock.minVolUpShock);
}

/** Returns an expiry's P&L under a scenario: discounted shocked value minus mark, dampened (cash). */
export function expiryScenarioPnl(
  expiry: DeriveExpiryHoldings,
  scenario: DeriveScenario,
  params: DerivePmrmParameters,
): number {
  const shocked = expiryScenarioMtm(expiry, scenario, params);
  const discounted = shocked * (shocked >= 0 ? expiry.staticDiscountPos : expiry.staticDiscountNeg);
  const pnl = (discounted - expiry.mtm) * scenario.dampeningFactor;
  // A skew can rotate either way: each expiry takes the loss of whichever direction hurts it.
  const isSkew = scenario.volShock === 'linear' || scenario.volShock === 'abs';
  return isSkew ? -Math.abs(pnl) : pnl;
}

/** Returns the portfolio's P&L under a scenario (cash; negative = loss). */
export function scenarioPnl(
  pre: DerivePrecomputed,
  scenario: DeriveScenario,
  params: DerivePmrmParameters,
): number {
  const move = scenario.spotShock - 1;
  let pnl = pre.perpPosition === 0 ? 0 : pre.perpPosition * move * pre.perpPrice * scenario.dampeningFactor;
  for (const e of pre.expiries) pnl += expiryScenarioPnl(e, scenario, params);
  for (const c of pre.collaterals) {
    if (c.riskCancelling) pnl += c.value * move * scenario.dampeningFactor;
  }
  return pnl;
}
