// Bybit's fee to close a position, where its published formulas count it:
// - the unified account's initial margin "includes the taker fee, which may be incurred in closing the position":
//   Estimated Fee to Close = size × average entry price × (1 ∓ 1 / leverage) × taker fee rate, − for a long and +
//   for a short (Initial Margin Calculation (USDC Perpetual & Futures), version of 2025-09-02; the long example:
//   0.5 BTC at 50,000, 10x, 0.055%: 12.375 USDC). The price in the formula is the position's bankruptcy price at
//   its leverage, so an inverse position's fee is the contract quantity over that price: PV × (1 ± 1 / leverage).
// - the inverse cross liquidation price (How to calculate Liquidation Price (Inverse Contract),
//   help.bybit.com/hc/en-us/articles/360039261334) counts the fee to close at the account's bankruptcy price:
//     long:  Q × (1/EP − 1/LP) = −(AB − OM − Q/EP × MMR − Q × fee / BP),  BP = (1 + fee) × Q / (Q/EP + AB − OM)
//   with AB the account balance and OM the order margin; the short side mirrors it (Q/LP moves by −(...)).
import type { Instrument } from '../../core/index.js';

/** Returns Bybit's estimated fee to close (quote for linear, coin for inverse) at the leverage's bankruptcy price. */
export function bybitFeeToClose(x: {
  settlement: Instrument['settlement'];
  side: 1 | -1;
  /** Linear: position size in coins. Inverse: contract quantity in USD. */
  size: number;
  entryPrice: number;
  leverage: number;
  feeRate: number;
}): number {
  if (x.settlement === 'inverse') return (x.size / x.entryPrice) * (1 + x.side / x.leverage) * x.feeRate;
  return x.size * x.entryPrice * (1 - x.side / x.leverage) * x.feeRate;
}

/** Inputs of Bybit's inverse cross formulas; coin amounts in the settlement coin, Q in USD. */
export interface BybitInverseCrossInputs {
  side: 1 | -1;
  /** Contract quantity in USD (Q). */
  quantity: number;
  entryPrice: number;
  /** Account (wallet) balance in coin (AB). */
  balance: number;
  /** Margin held by open orders in coin (OM); a book has none. */
  orderMargin: number;
  mmRate: number;
  /** Maintenance margin deduction of the tier, in coin. */
  mmDeduction: number;
  /** Taker fee rate charged on closing (0.075% in the published example). */
  feeRate: number;
}

const positiveOrNull = (x: number): number | null => (Number.isFinite(x) && x > 0 ? x : null);

/**
 * Returns Bybit's inverse cross bankruptcy and liquidation prices (USD per coin; null where none exists) and the
 * closing fee (coin) at the bankruptcy price, as Bybit's cross formula counts it.
 */
export function bybitInverseCross(x: BybitInverseCrossInputs): {
  bankruptcy: number | null;
  liquidation: number | null;
  maintenanceMargin: number;
  closingFee: number;
} {
  const value = x.quantity / x.entryPrice;
  const free = x.balance - x.orderMargin;
  const bankruptcy = positiveOrNull(((1 + x.side * x.feeRate) * x.quantity) / (value + x.side * free));
  const maintenanceMargin = value * x.mmRate - x.mmDeduction;
  const closingFee = bankruptcy === null ? 0 : (x.quantity * x.feeRate) / bankruptcy;
  const liquidation =
    bankruptcy === null
      ? null
      : positiveOrNull(x.quantity / (value + x.side * (free - maintenanceMargin - closingFee)));
  return { bankruptcy, liquidation, maintenanceMargin, closingFee };
}
