// Contingencies: amounts added to the requirement for what the scenarios do not see (PMRMLib_2 addPrecomputes
// and the _add*Contingency functions).
import { annualise } from './time.js';
import type {
  DeriveBasisContingencyParameters,
  DeriveOtherContingencyParameters,
  DeriveStrikeHolding,
} from './types.js';

/**
 * Returns an expiry's basis contingency (≤ 0, cash): its worse loss under the two small spot moves at
 * unchanged vol, scaled by addFactor + multFactor·T (forwards of longer expiries can drift further from spot).
 */
export function basisContingency(
  mtm: number,
  upMtm: number,
  downMtm: number,
  secToExpiry: number,
  params: DeriveBasisContingencyParameters,
): number {
  const loss = Math.min(upMtm - mtm, downMtm - mtm, 0);
  return loss * (params.basisContAddFactor + params.basisContMultFactor * annualise(secToExpiry));
}

/** Returns the confidence contingency (cash) on a notional whose oracle confidence is below the threshold. */
export function confidenceContingency(
  minConfidence: number,
  notional: number,
  params: DeriveOtherContingencyParameters,
): number {
  if (minConfidence >= params.confThreshold) return 0;
  return (1 - minConfidence) * params.confMargin * notional;
}

/**
 * Returns the naked short amount of an expiry (underlying units). Derive pairs holdings by strike only,
 * whatever their type: a short is covered by a long at the same strike, and every same-strike pair counts
 * once, from the first holding of the pair, as in PMRMLib_2 _addOptionContingency.
 */
export function nakedShorts(options: readonly DeriveStrikeHolding[]): number {
  const seen = new Array<boolean>(options.length).fill(false);
  let naked = 0;
  options.forEach((o, i) => {
    if (seen[i] === true) return;
    let found = false;
    for (let j = i + 1; j < options.length; j++) {
      const other = options[j]!;
      if (other.strike !== o.strike) continue;
      seen[j] = true;
      found = true;
      if (o.amount * other.amount < 0) {
        const [short, long] = o.amount < 0 ? [-o.amount, other.amount] : [-other.amount, o.amount];
        naked += short - Math.min(short, long);
      } else if (o.amount < 0) {
        naked += -o.amount - other.amount;
      }
    }
    if (!found && o.amount < 0) naked += -o.amount;
  });
  return naked;
}
