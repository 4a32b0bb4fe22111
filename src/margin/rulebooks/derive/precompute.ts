// Derive's portfolio arrangement and precomputation (PMRM_2 _arrangePortfolio, PMRMLib_2 addPrecomputes):
// options grouped by expiry with their feeds, every value the scenarios reuse, and the contingencies.
import { basisContingency, confidenceContingency, nakedShorts } from './contingencies.js';
import { staticDiscounts, volShockMultipliers } from './expiryFactors.js';
import { expiryShockedMtm } from './shockedValue.js';
import { deriveSviVol } from './svi.js';
import { annualise } from './time.js';
import type {
  DeriveCollateralHoldings,
  DeriveContingencies,
  DeriveExpiryFeed,
  DeriveExpiryHoldings,
  DeriveOption,
  DerivePmrmParameters,
  DerivePortfolio,
  DerivePrecomputed,
  DeriveStrikeHolding,
} from './types.js';

function strikeHolding(o: DeriveOption, feed: DeriveExpiryFeed): DeriveStrikeHolding {
  const vol = o.vol ?? (feed.svi === undefined ? undefined : deriveSviVol(feed.svi, o.strike));
  if (vol === undefined) {
    throw new RangeError(`option ${o.strike} at ${o.secToExpiry}s has no vol and its expiry feed no SVI`);
  }
  return { strike: o.strike, isCall: o.isCall, amount: o.amount, vol };
}

/** Returns the options grouped by expiry (in order of first appearance), each with its feed's data. */
export function arrangeExpiries(
  portfolio: DerivePortfolio,
  params: DerivePmrmParameters,
): DeriveExpiryHoldings[] {
  const groups = new Map<number, DeriveOption[]>();
  for (const o of portfolio.options) groups.set(o.secToExpiry, [...(groups.get(o.secToExpiry) ?? []), o]);
  return [...groups].map(([secToExpiry, options]) => {
    const feed = portfolio.feeds.find((f) => f.secToExpiry === secToExpiry);
    if (feed === undefined) throw new RangeError(`no feed for the expiry ${secToExpiry}s to expiry`);
    // Derive's rate feed may go negative; the manager floors it at 0 before discounting.
    const rate = Math.max(feed.rate, 0);
    const discount = Math.exp(-rate * annualise(secToExpiry));
    const holdings: DeriveExpiryHoldings = {
      secToExpiry,
      options: options.map((o) => strikeHolding(o, feed)),
      forwardFixed: feed.forwardFixed,
      forwardVariable: feed.forwardVariable,
      rate,
      discount,
      minConfidence: Math.min(feed.forwardConfidence, feed.rateConfidence, feed.volConfidence),
      netOptions: options.reduce((a, o) => a + Math.abs(o.amount), 0),
      mtm: 0,
      basisUpMtm: 0,
      basisDownMtm: 0,
      volShockUp: 1,
      volShockDown: 1,
      staticDiscountPos: 1,
      staticDiscountNeg: 1,
    };
    const { basisContingency: basis, volShock, margin } = params;
    const minVol = volShock.minVolUpShock;
    const vols = volShockMultipliers(secToExpiry, volShock);
    const statics = staticDiscounts(secToExpiry, rate, discount, margin);
    return {
      ...holdings,
      mtm: expiryShockedMtm(holdings, 1, 'none', minVol),
      basisUpMtm: expiryShockedMtm(holdings, basis.scenarioSpotUp, 'none', minVol),
      basisDownMtm: expiryShockedMtm(holdings, basis.scenarioSpotDown, 'none', minVol),
      volShockUp: vols.up,
      volShockDown: vols.down,
      staticDiscountPos: statics.pos,
      staticDiscountNeg: statics.neg,
    };
  });
}

/** Returns the collateral holdings valued in cash (amount × price / stable price). */
export function collateralHoldings(portfolio: DerivePortfolio): DeriveCollateralHoldings[] {
  return portfolio.collaterals.map((c) => ({
    asset: c.asset,
    value: (c.amount * c.price) / portfolio.stablePrice,
    // Derive reads the collateral's confidence against spot's before the perp's confidence joins the minimum.
    minConfidence: Math.min(c.confidence, portfolio.spotConfidence),
    riskCancelling: c.riskCancelling,
    imHaircut: c.imHaircut,
    mmHaircut: c.mmHaircut,
  }));
}

function contingencies(
  portfolio: DerivePortfolio,
  minConfidence: number,
  expiries: readonly DeriveExpiryHoldings[],
  collaterals: readonly DeriveCollateralHoldings[],
  params: DerivePmrmParameters,
): DeriveContingencies {
  const other = params.otherContingency;
  const spot = portfolio.spotPrice;
  const perpNotional = Math.abs(portfolio.perp.position) * spot;
  let basis = 0;
  let naked = 0;
  let confidence = confidenceContingency(minConfidence, perpNotional, other);
  for (const e of expiries) {
    basis += basisContingency(e.mtm, e.basisUpMtm, e.basisDownMtm, e.secToExpiry, params.basisContingency);
    naked += nakedShorts(e.options);
    const expiryConfidence = Math.min(minConfidence, e.minConfidence);
    confidence += confidenceContingency(expiryConfidence, e.netOptions * spot, other);
  }
  let collateralMm = 0;
  let collateralIm = 0;
  for (const c of collaterals) {
    collateralMm += c.value * c.mmHaircut;
    collateralIm += c.value * c.imHaircut;
    confidence += confidenceContingency(c.minConfidence, c.value, other);
  }
  const perpMm = perpNotional * other.mmPerpPercent;
  const perpIm = perpNotional * other.imPerpPercent;
  const optionMm = naked * spot * other.mmOptionPercent;
  const optionIm = naked * spot * other.imOptionPercent;
  return {
    basis,
    perpMm,
    perpIm,
    optionMm,
    optionIm,
    collateralMm,
    collateralIm,
    confidence,
    mm: perpMm + optionMm + collateralMm,
    im: perpIm + optionIm + collateralIm + confidence,
  };
}

/** Returns the portfolio with every value the scenarios reuse, its mark-to-market and contingencies. */
export function precompute(portfolio: DerivePortfolio, params: DerivePmrmParameters): DerivePrecomputed {
  const { perp } = portfolio;
  const minConfidence =
    perp.position !== 0 ? Math.min(portfolio.spotConfidence, perp.confidence) : portfolio.spotConfidence;
  const expiries = arrangeExpiries(portfolio, params);
  const collaterals = collateralHoldings(portfolio);
  const totalMtm =
    perp.value + expiries.reduce((a, e) => a + e.mtm, 0) + collaterals.reduce((a, c) => a + c.value, 0);
  return {
    cash: portfolio.cash,
    spotPrice: portfolio.spotPrice,
    stablePrice: portfolio.stablePrice,
    perpPosition: perp.position,
    perpPrice: perp.price,
    perpValue: perp.value,
    minConfidence,
    expiries,
    collaterals,
    contingencies: contingencies(portfolio, minConfidence, expiries, collaterals, params),
    totalMtm,
  };
}
