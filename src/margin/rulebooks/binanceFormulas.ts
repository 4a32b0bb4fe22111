// Binance's published liquidation price formulas, term by term, with Binance's own variable names:
// - USDⓈ-M: "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
//   https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93
// - COIN-M: "How to Calculate Liquidation Price of COIN-M Futures Contracts",
//   https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46
// One-way mode fills the BOTH terms and leaves LONG and SHORT at zero; hedge mode the reverse. In isolated mode
// WB is the position's isolated wallet balance and TMM1 = UPNL1 = 0. The rulebooks solve the same equation piece
// by piece (binanceSolver.ts); these functions state the formulas as published, and the tests hold the two equal.

/** The inputs of Binance's formulas (sizes are absolute; side is +1 long, -1 short for the one-way position). */
export interface BinanceFormulaInputs {
  /** Wallet balance: crossWalletBalance, or the isolated position's isolatedWalletBalance. */
  WB: number;
  /** Maintenance margin of all other contracts (0 in isolated mode). */
  TMM1: number;
  /** Unrealized P&L of all other contracts (0 in isolated mode). */
  UPNL1: number;
  cumB: number;
  cumL: number;
  cumS: number;
  side1BOTH: 1 | -1 | 0;
  position1BOTH: number;
  ep1BOTH: number;
  position1LONG: number;
  ep1LONG: number;
  position1SHORT: number;
  ep1SHORT: number;
  mmrB: number;
  mmrL: number;
  mmrS: number;
}

/** Inputs with every position term zero, to be filled in for one mode. */
export const NO_POSITION: BinanceFormulaInputs = {
  WB: 0,
  TMM1: 0,
  UPNL1: 0,
  cumB: 0,
  cumL: 0,
  cumS: 0,
  side1BOTH: 0,
  position1BOTH: 0,
  ep1BOTH: 1,
  position1LONG: 0,
  ep1LONG: 1,
  position1SHORT: 0,
  ep1SHORT: 1,
  mmrB: 0,
  mmrL: 0,
  mmrS: 0,
};

const positiveOrNull = (x: number): number | null => (Number.isFinite(x) && x > 0 ? x : null);

/**
 * Returns Binance's USDⓈ-M liquidation price (quote per underlying; positions in underlying units, EP in quote),
 * or null where the formula gives no positive price (Binance shows "--").
 */
export function usdmLiquidationPrice(x: BinanceFormulaInputs): number | null {
  const numerator =
    x.WB -
    x.TMM1 +
    x.UPNL1 +
    x.cumB +
    x.cumL +
    x.cumS -
    x.side1BOTH * x.position1BOTH * x.ep1BOTH -
    x.position1LONG * x.ep1LONG +
    x.position1SHORT * x.ep1SHORT;
  const denominator =
    x.position1BOTH * x.mmrB +
    x.position1LONG * x.mmrL +
    x.position1SHORT * x.mmrS -
    x.side1BOTH * x.position1BOTH -
    x.position1LONG +
    x.position1SHORT;
  return positiveOrNull(numerator / denominator);
}

/**
 * Returns Binance's COIN-M liquidation price (USD per coin), positions in contracts of `contractSize` USD, WB,
 * TMM1, UPNL1 and cum in coin; null where the formula gives no positive price. TMM1 and UPNL1 enter beside WB, as
 * the margin balance does (they are zero in isolated mode and for a lone position).
 */
export function coinmLiquidationPrice(x: BinanceFormulaInputs, contractSize: number): number | null {
  const numerator =
    x.position1BOTH * x.mmrB +
    x.position1LONG * x.mmrL +
    x.position1SHORT * x.mmrS +
    x.side1BOTH * x.position1BOTH +
    x.position1LONG -
    x.position1SHORT;
  const denominator =
    (x.WB - x.TMM1 + x.UPNL1 + x.cumB + x.cumL + x.cumS) / contractSize +
    (x.side1BOTH * x.position1BOTH) / x.ep1BOTH +
    x.position1LONG / x.ep1LONG -
    x.position1SHORT / x.ep1SHORT;
  return positiveOrNull(numerator / denominator);
}
