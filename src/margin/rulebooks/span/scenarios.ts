// SPAN's 16 risk scenarios in their standard order: the underlying unchanged and moved by 1/3, 2/3 and 3/3 of
// the price scan range up and down, each with the volatility scan range applied up and down; then two extreme
// moves (a multiple of the range, volatility unchanged) of which only a cover fraction of the loss counts.
// Sources: CME, "CME SPAN: Standard Portfolio Analysis of Risk" (2010), and the order McMillan prints the
// array in ("Options as a Strategic Investment", ch. 34, pp. 668-670).

/** One SPAN scenario. */
export interface SpanScenario {
  /** Underlying move in price scan ranges: 0, ±1/3, ±2/3, ±1, or ±extremeMultiple. */
  priceMove: number;
  /** +1 volatility up by the scan range, -1 down, 0 unchanged. */
  volMove: -1 | 0 | 1;
  /** Fraction of the scenario's loss that counts (1, or the extreme cover). */
  weight: number;
  label: string;
}

/** Number of scenarios in a SPAN risk array. */
export const SPAN_SCENARIO_COUNT = 16;

const THIRDS = [0, 1, -1, 2, -2, 3, -3] as const;

function moveLabel(thirds: number): string {
  if (thirds === 0) return 'unchanged';
  return `${thirds > 0 ? 'up' : 'down'} ${Math.abs(thirds)}/3`;
}

/** Returns the 16 scenarios with extremes at `extremeMultiple` ranges counting `extremeCover` of their loss. */
export function spanScenarios(extremeMultiple: number, extremeCover: number): SpanScenario[] {
  const out: SpanScenario[] = [];
  for (const thirds of THIRDS) {
    for (const volMove of [1, -1] as const) {
      out.push({
        priceMove: thirds / 3,
        volMove,
        weight: 1,
        label: `price ${moveLabel(thirds)}, vol ${volMove > 0 ? 'up' : 'down'}`,
      });
    }
  }
  for (const sign of [1, -1]) {
    out.push({
      priceMove: sign * extremeMultiple,
      volMove: 0,
      weight: extremeCover,
      label: `price ${sign > 0 ? 'up' : 'down'} extreme (${extremeMultiple}x range, ${extremeCover * 100}% of loss)`,
    });
  }
  return out;
}

/**
 * Returns the index of the scenario paired with `index`: the same price move at the other volatility move
 * (SPAN's price risk averages the two). The extreme scenarios have no pair and return themselves.
 */
export function pairedScenario(index: number): number {
  return index >= 14 ? index : index ^ 1;
}
