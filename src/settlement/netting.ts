// Multilateral netting: every flow of a participant in an asset collapses to one net amount.
import type { Flow } from './flows.js';

/** Returns each participant's net per asset (smallest units; > 0 receives, < 0 pays), assets in `assets` order. */
export function netAmounts(
  flows: readonly Flow[],
  participants: readonly string[],
  assets: readonly string[],
): Map<string, bigint[]> {
  const column = new Map(assets.map((a, i) => [a, i]));
  const nets = new Map(participants.map((p) => [p, assets.map(() => 0n)]));
  for (const flow of flows) {
    const row = nets.get(flow.participant);
    const k = column.get(flow.asset);
    if (row === undefined || k === undefined)
      throw new RangeError(`flow for unknown participant or asset: ${flow.participant} ${flow.asset}`);
    row[k] = row[k]! + flow.amount;
  }
  return nets;
}

/** Returns the sum of the nets per asset (smallest units): all zeros when the cycle balances. */
export function netTotals(nets: Iterable<readonly bigint[]>, assetCount: number): bigint[] {
  const totals: bigint[] = new Array<bigint>(assetCount).fill(0n);
  for (const row of nets) row.forEach((v, k) => (totals[k] = totals[k]! + v));
  return totals;
}

/** Throws if some asset's nets do not add up to exactly zero: a broken invariant, never bad input. */
export function assertBalanced(nets: Iterable<readonly bigint[]>, assets: readonly string[]): void {
  const totals = netTotals(nets, assets.length);
  totals.forEach((t, k) => {
    if (t !== 0n) throw new Error(`internal: nets of ${assets[k]} add up to ${t} units, not 0`);
  });
}
