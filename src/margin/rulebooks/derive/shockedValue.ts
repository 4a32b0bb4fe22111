// An expiry's option value under a scenario: spot and term-scaled vol shocks, or a skew shock that tilts vols
// by log-moneyness (PMRMLib_2 _getExpiryShockedMTM and _getExpirySkewedShockedMTM).
import { deriveOptionPrice } from './optionPrice.js';
import { annualise } from './time.js';
import type { DeriveExpiryHoldings, DeriveSkewShockParameters, DeriveVolShock } from './types.js';

type ExpiryPricing = Pick<
  DeriveExpiryHoldings,
  'secToExpiry' | 'options' | 'forwardFixed' | 'forwardVariable' | 'rate'
>;

/** Returns the forward of an expiry under a spot shock: only the part not yet fixed moves. */
export function shockedForward(expiry: ExpiryPricing, spotShock: number): number {
  return expiry.forwardVariable * spotShock + expiry.forwardFixed;
}

/** Returns the expiry's option value (cash) with spot times `spotShock` and vols shocked up, down or not. */
export function expiryShockedMtm(
  expiry: ExpiryPricing & Partial<Pick<DeriveExpiryHoldings, 'volShockUp' | 'volShockDown'>>,
  spotShock: number,
  volShock: Exclude<DeriveVolShock, 'linear' | 'abs'>,
  minVolUpShock: number,
): number {
  const multiplier =
    volShock === 'up' ? (expiry.volShockUp ?? 1) : volShock === 'down' ? (expiry.volShockDown ?? 1) : 1;
  const minVol = volShock === 'up' ? minVolUpShock : 0;
  const forward = shockedForward(expiry, spotShock);
  let total = 0;
  for (const o of expiry.options) {
    const vol = Math.max(minVol, o.vol * multiplier);
    total += deriveOptionPrice(forward, o.strike, vol, expiry.secToExpiry, expiry.rate, o.isCall) * o.amount;
  }
  return total;
}

/** The skew shock's figures for one strike: log-moneyness, the cap, its knee k* and the vol multiplier. */
export interface SkewMultiplier {
  k: number;
  multCap: number;
  kStar: number;
  multiplier: number;
}

/** Returns k* (where the surface is taken to flatten, so the multiplier reaches its cap) for √τ. */
export function skewKStar(sqrtTau: number, params: DeriveSkewShockParameters): number {
  const volParam = params.volParamStatic + sqrtTau * params.volParamScale;
  return Math.max(params.minKStar, sqrtTau * params.widthScale * volParam);
}

/** Returns the vol multiplier of a strike under the linear or abs skew shock. */
export function skewMultiplier(
  secToExpiry: number,
  forward: number,
  strike: number,
  kind: 'linear' | 'abs',
  params: DeriveSkewShockParameters,
): SkewMultiplier {
  const sqrtTau = Math.sqrt(annualise(secToExpiry));
  const multCap =
    kind === 'linear'
      ? params.linearCBase * sqrtTau + params.linearBaseCap
      : params.absCBase * sqrtTau + params.absBaseCap;
  const kStar = skewKStar(sqrtTau, params);
  if (!(kStar !== 0)) throw new RangeError('skew shock: k* is 0 (minKStar must be > 0)');
  const logMoneyness = Math.log(strike / forward);
  const k = kind === 'linear' ? logMoneyness : Math.abs(logMoneyness);
  const tilt = (k * multCap) / kStar;
  const multiplier = 1 + (k >= 0 ? Math.min(multCap, tilt) : Math.max(-multCap, tilt));
  return { k, multCap, kStar, multiplier };
}

/** Returns the expiry's option value (cash) at unchanged spot with vols tilted by the skew shock. */
export function expirySkewedMtm(
  expiry: ExpiryPricing,
  kind: 'linear' | 'abs',
  params: DeriveSkewShockParameters,
): number {
  const forward = shockedForward(expiry, 1);
  let total = 0;
  for (const o of expiry.options) {
    const { multiplier } = skewMultiplier(expiry.secToExpiry, forward, o.strike, kind, params);
    const vol = o.vol * Math.max(0, multiplier);
    total += deriveOptionPrice(forward, o.strike, vol, expiry.secToExpiry, expiry.rate, o.isCall) * o.amount;
  }
  return total;
}
