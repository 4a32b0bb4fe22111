// Derive's forward feed during settlement: options settle on a 30-minute TWAP of spot, so in the last
// 30 minutes the part of the forward already averaged is fixed and only the rest moves with spot.
/** Length of the settlement TWAP in seconds (docs.derive.xyz asset parameters: SETTLEMENT_TWAP 30 minutes). */
export const SETTLEMENT_TWAP_SECONDS = 30 * 60;

/** Returns the forward split into its fixed and spot-moving parts, modelling the TWAP as linear in time. */
export function settlementForwardPortions(
  forward: number,
  secToExpiry: number,
): { forwardFixed: number; forwardVariable: number } {
  const moving =
    secToExpiry < SETTLEMENT_TWAP_SECONDS ? Math.max(0, secToExpiry) / SETTLEMENT_TWAP_SECONDS : 1;
  return { forwardFixed: forward * (1 - moving), forwardVariable: forward * moving };
}
