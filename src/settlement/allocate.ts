// The one place where computed float amounts (funding, expiry payoffs) become integer ledger amounts.
//
// Rule (largest remainder, also called Hamilton's method), per flow group (one instrument, one asset):
// 1. each participant's float amount is read as its exact decimal (the float's shortest round-trip text) and
//    scaled to the asset's smallest unit: an exact fraction v_i;
// 2. everyone gets floor(v_i); the group's total is rounded half-to-even: T = round(sum v_i);
// 3. the k = T - sum floor(v_i) units left over go, one each, to the largest remainders v_i - floor(v_i),
//    ties broken by participant id (ascending, by UTF-16 code units).
// So every amount is within one unit of its exact value, rounded once, and the group's amounts add up to the
// rounded exact total. When the members' positions cancel (longs and shorts of the same perpetual among the
// participants), the exact total is zero and so is the sum of the rounded amounts: the counterparty, which
// takes minus the group total, is then left with nothing, not with rounding dust.
import { exactDecimalOfFloat } from '../account/index.js';
import { floorDiv, scaledFraction } from './units.js';

/** One participant's computed amount in a flow group, in asset units (e.g. 12.5 USDT) as a float. */
export interface FloatShare {
  participant: string;
  amount: number;
}

/** Returns round-half-to-even of numerator / denominator (denominator > 0). */
function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const q = floorDiv(numerator, denominator);
  const twice = 2n * (numerator - q * denominator);
  if (twice > denominator || (twice === denominator && q % 2n !== 0n)) return q + 1n;
  return q;
}

/**
 * Returns each share in the asset's smallest units (same order as `shares`), by the largest-remainder rule
 * above. Throws RangeError on a non-finite amount (computed values are checked before they get here).
 */
export function allocateUnits(shares: readonly FloatShare[], decimals: number): bigint[] {
  const scaled = shares.map((s) => scaledFraction(exactDecimalOfFloat(s.amount), decimals));
  const digits = scaled.reduce((m, s) => Math.max(m, s.denominatorDigits), 0);
  const denominator = 10n ** BigInt(digits);
  const numerators = scaled.map((s) => s.numerator * 10n ** BigInt(digits - s.denominatorDigits));
  const floors = numerators.map((n) => floorDiv(n, denominator));
  const remainders = numerators.map((n, i) => n - floors[i]! * denominator);
  const total = numerators.reduce((a, n) => a + n, 0n);
  const leftover = roundHalfEven(total, denominator) - floors.reduce((a, f) => a + f, 0n);
  const order = shares
    .map((s, i) => i)
    .sort((a, b) => {
      const ra = remainders[a]!;
      const rb = remainders[b]!;
      if (ra !== rb) return ra > rb ? -1 : 1;
      const pa = shares[a]!.participant;
      const pb = shares[b]!.participant;
      return pa < pb ? -1 : pa > pb ? 1 : a - b;
    });
  const out = [...floors];
  for (let k = 0; k < Number(leftover); k++) {
    const i = order[k]!;
    out[i] = out[i]! + 1n;
  }
  return out;
}
