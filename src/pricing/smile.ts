// Volatility smiles of one expiry: Gatheral's raw SVI parameterisation and linear interpolation of quoted
// (strike, vol) points.
import { describe, requireFinite, requirePositive } from './validate.js';

/** Raw SVI parameters (Gatheral 2004): w(k) = a + b·(ρ(k − m) + √((k − m)² + σ²)), k = ln(K/F). */
export interface SviParams {
  /** Overall level of total variance. */
  a: number;
  /** Slope of the wings; >= 0. */
  b: number;
  /** Skew / rotation; in (−1, 1). */
  rho: number;
  /** Horizontal shift of the smile in log-moneyness. */
  m: number;
  /** Curvature at the vertex (an SVI parameter, not a volatility); > 0. */
  sigma: number;
}

export interface StrikeVolPoint {
  /** Strike, quote currency per unit; > 0. */
  strike: number;
  /** Annualised implied vol at that strike; > 0. */
  vol: number;
}

/** Returns `params` unchanged if they define a non-negative total variance; throws naming the bad field. */
export function validateSviParams(params: SviParams): SviParams {
  const { a, b, rho, m, sigma } = params;
  requireFinite('a', a);
  requireFinite('m', m);
  if (!Number.isFinite(b) || b < 0) throw new RangeError(`b must be a finite number >= 0, got ${b}`);
  if (!Number.isFinite(rho) || Math.abs(rho) >= 1) {
    throw new RangeError(`rho must be a finite number with |rho| < 1, got ${rho}`);
  }
  requirePositive('sigma', sigma);
  // min over k of w(k) is a + b·σ·√(1 − ρ²); below 0 some strikes would get a negative variance.
  const minVariance = a + b * sigma * Math.sqrt(1 - rho * rho);
  if (minVariance < 0) {
    throw new RangeError(
      `a must satisfy a + b*sigma*sqrt(1 - rho^2) >= 0 (minimum total variance), got ${minVariance} ` +
        `for ${describe(params)}`,
    );
  }
  return params;
}

/** Returns the SVI total implied variance w = vol²·T (dimensionless) at log-moneyness k = ln(K/F). */
export function sviTotalVariance(params: SviParams, logMoneyness: number): number {
  const { a, b, rho, m, sigma } = validateSviParams(params);
  requireFinite('logMoneyness', logMoneyness);
  const x = logMoneyness - m;
  // Clamped at 0: valid parameters give w >= 0 exactly, rounding near the minimum may give −1e-17.
  return Math.max(0, a + b * (rho * x + Math.hypot(x, sigma)));
}

/** Returns the SVI implied vol (annualised, as a fraction) at `strike`: √(w(ln(K/F))/T). */
export function sviVol(params: SviParams, strike: number, forward: number, timeToExpiry: number): number {
  requirePositive('strike', strike);
  requirePositive('forward', forward);
  requirePositive('timeToExpiry', timeToExpiry);
  const w = sviTotalVariance(params, Math.log(strike) - Math.log(forward));
  const vol = Math.sqrt(w / timeToExpiry);
  if (!Number.isFinite(vol)) {
    throw new RangeError(
      `sviVol is not representable for ${describe({ ...params, strike, forward, timeToExpiry })}`,
    );
  }
  return vol;
}

/**
 * Returns the vol (annualised, as a fraction) at `strike`, linear in strike between the two neighbouring
 * points and flat beyond the first and last point. Points may be given in any order.
 */
export function interpolateStrikeVol(points: readonly StrikeVolPoint[], strike: number): number {
  requirePositive('strike', strike);
  const sorted = validatePoints(points);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('points must not be empty');
  if (strike <= first.strike) return first.vol;
  if (strike >= last.strike) return last.vol;
  let hiIndex = 1;
  while ((sorted[hiIndex]?.strike ?? Infinity) < strike) hiIndex++;
  const left = sorted[hiIndex - 1];
  const right = sorted[hiIndex];
  if (left === undefined || right === undefined)
    throw new RangeError(`no bracketing points for strike ${strike}`);
  const weight = (strike - left.strike) / (right.strike - left.strike);
  return left.vol + weight * (right.vol - left.vol);
}

/** Returns a copy of `points` sorted by strike after checking it is non-empty, positive and unique. */
function validatePoints(points: readonly StrikeVolPoint[]): StrikeVolPoint[] {
  if (points.length === 0) throw new RangeError('points must contain at least 1 point, got 0');
  points.forEach((point, i) => {
    requirePositive(`points[${i}].strike`, point.strike);
    requirePositive(`points[${i}].vol`, point.vol);
  });
  const sorted = [...points].sort((x, y) => x.strike - y.strike);
  for (let i = 1; i < sorted.length; i++) {
    const strike = sorted[i]?.strike;
    if (strike === sorted[i - 1]?.strike) {
      throw new RangeError(`points must have distinct strikes, got strike ${strike} more than once`);
    }
  }
  return sorted;
}
