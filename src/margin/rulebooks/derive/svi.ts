// Derive's vol feed reads implied vols off a raw SVI surface with two guards of its own (lyra-utils SVI.sol,
// the version Derive's PMRM_2 cases use): log-moneyness is clamped to ±4·√(a + b·σ), and total variance is
// capped at 144.
import { sviTotalVariance } from '../../../pricing/index.js';
import type { DeriveSviParameters } from './types.js';

/** Cap of SVI total variance (w = vol²·τ) in Derive's feed. */
export const SVI_MAX_TOTAL_VARIANCE = 144;

/** Multiple of √(a + b·σ) that bounds |ln(K/F)| in Derive's feed. */
export const SVI_K_BOUND_SCALAR = 4;

/** Returns the clamped log-moneyness ln(K/F) that Derive's SVI evaluates at. */
export function sviLogMoneyness(svi: DeriveSviParameters, strike: number): number {
  // a + b·σ is about the total variance at the money: the band scales with the ATM total vol.
  const atm = svi.a + svi.b * svi.sigma;
  if (atm < 0) throw new RangeError(`SVI a + b*sigma must be >= 0, got ${atm}`);
  const bound = SVI_K_BOUND_SCALAR * Math.sqrt(atm);
  // A strike that is 0 at 1e-18 precision relative to the forward sits at the lower bound in Derive's feed.
  if (strike / svi.forward < 1e-18) return -bound;
  return Math.min(bound, Math.max(-bound, Math.log(strike / svi.forward)));
}

/** Returns the annualised vol at `strike` from an expiry's SVI surface, as Derive's feed computes it. */
export function deriveSviVol(svi: DeriveSviParameters, strike: number): number {
  if (strike === 0) return 0;
  if (!(svi.forward > 0)) throw new RangeError(`SVI forward must be > 0, got ${svi.forward}`);
  if (!(svi.tau > 0)) throw new RangeError(`SVI tau must be > 0, got ${svi.tau}`);
  const w = Math.min(sviTotalVariance(svi, sviLogMoneyness(svi, strike)), SVI_MAX_TOTAL_VARIANCE);
  return Math.sqrt(w / svi.tau);
}
